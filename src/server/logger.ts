// pino to stdout and LOG_FILE. Tokens, authorization headers and message bodies are redacted by path.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import pino, { type Logger } from 'pino';

export const REDACT_PATHS = [
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'text',
  '*.text',
  'secret',
];

export function createLogger(level: string, file: string | null): Logger {
  const streams: pino.StreamEntry[] = [{ stream: process.stdout }];
  if (file) {
    mkdirSync(dirname(file), { recursive: true });
    streams.push({ stream: pino.destination({ dest: file, sync: false, mkdir: true }) });
  }
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, pino.multistream(streams));
}
