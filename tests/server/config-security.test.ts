// The security settings of issue 15: ALLOWED_HOSTS (host names served) and METRICS_TOKEN (scrape token).
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config';
import { TEST_SECRET } from '../helpers/services';

describe('ALLOWED_HOSTS and METRICS_TOKEN', () => {
  it('reads host names (with or without a port), lower-cased', () => {
    const config = loadConfig({ ALLOWED_HOSTS: 'Chat.Example.com, intra:8080 ,[::1]' });
    expect(config.ALLOWED_HOSTS).toEqual(['chat.example.com', 'intra:8080', '[::1]']);
  });

  it('refuses a URL or path in place of a host name, naming the setting', () => {
    expect(() => loadConfig({ ALLOWED_HOSTS: 'https://chat.example.com/' })).toThrow(
      /^Invalid setting: ALLOWED_HOSTS must be a comma-separated list of host names/,
    );
  });

  it('allows * (any host name) only in token mode', () => {
    expect(() => loadConfig({ ALLOWED_HOSTS: '*' })).toThrow(
      /ALLOWED_HOSTS: \* \(any host name\) needs token mode/,
    );
    expect(loadConfig({ ALLOWED_HOSTS: '*', AUTH_SECRET: TEST_SECRET }).ALLOWED_HOSTS).toEqual(['*']);
  });

  it('wants a METRICS_TOKEN of 16+ characters', () => {
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(
      /METRICS_TOKEN must be at least 16 characters/,
    );
    expect(loadConfig({ METRICS_TOKEN: 'a'.repeat(16) }).METRICS_TOKEN).toBe('a'.repeat(16));
  });
});
