// Regression: a network error to the Bot API quoted the request URL, bot token included, in logs and lastError.
import { HttpError } from 'grammy';
import { describe, expect, it } from 'vitest';
import { describeTelegramError } from '../../src/server/transports/telegram/bot';

describe('Telegram error descriptions', () => {
  it('do not contain the bot token when a request to the Bot API fails (regression: token leaked to the log)', () => {
    const cause = new Error(
      'request to http://127.0.0.1:45003/bot123456:AAH-secret_Part9/sendMessage failed, reason: connect ECONNREFUSED',
    );
    const text = describeTelegramError(new HttpError('Network request for sendMessage failed!', cause));
    expect(text).toBe(
      'network error: request to http://127.0.0.1:45003/bot[redacted]/sendMessage failed, reason: connect ECONNREFUSED',
    );
    expect(describeTelegramError(new Error('GET /bot99:zz/getMe timed out'))).toBe(
      'GET /bot[redacted]/getMe timed out',
    );
  });
});
