// opencode's errors in plain words: where an unreachable provider was tried, even for opencode's own providers
// (which have no baseURL in the config, only the URL in the error).
import { describe, expect, it } from 'vitest';
import { plainFailure } from '../../../../src/server/agents/opencode/failure';

// As opencode 1.18.33 reports it when its default provider cannot be reached offline.
const offline = {
  name: 'APIError',
  data: {
    message: 'Cannot connect to API: Was there a typo in the url or port?',
    isRetryable: true,
    metadata: { url: 'https://opencode.ai/zen/v1/chat/completions' },
  },
};

describe('plain failures', () => {
  it('names where an unreachable provider was tried, from the error when the config has no address', () => {
    expect(plainFailure(offline, { model: null, models: [], endpoint: null })).toBe(
      'could not reach the model provider at https://opencode.ai (Cannot connect to API: Was there a typo in the url or port?)',
    );
  });

  it('prefers the configured address of the provider', () => {
    const ctx = { model: 'mock/x', models: [], endpoint: 'http://127.0.0.1:9/v1' };
    expect(plainFailure(offline, ctx)).toContain(
      'could not reach the model provider at http://127.0.0.1:9/v1',
    );
  });
});
