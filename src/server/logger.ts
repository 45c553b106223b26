// pino to stdout and LOG_FILE, the file rotated by size (pino-roll). Tokens, authorization headers and
// message bodies are redacted by path.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import pino, { type Logger } from 'pino';
import { terminalSafeJson } from './terminal-text';

export const REDACT_PATHS = [
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'text',
  '*.text',
  'secret',
];

export interface LogRotation {
  /** Size at which the active file is rotated: a number of MB or a string like '10m', '512k'. */
  size: string;
  /** Rotated files kept besides the active one; older ones are deleted. */
  files: number;
}

export const DEFAULT_ROTATION: LogRotation = { size: '10m', files: 5 };

/**
 * The file side runs pino-roll in a worker thread: LOG_FILE `logs/server.log` is written as
 * `logs/server.1.log`, `logs/server.2.log`… with `logs/current.log` linking to the active one.
 */
export function createLogger(level: string, file: string | null, rotation = DEFAULT_ROTATION): Logger {
  // Each stream gets the logger's level: multistream would otherwise drop everything below info.
  const streamLevel = (level === 'silent' ? 'fatal' : level) as pino.Level;
  // stdout is often a terminal: what people typed is logged escaped for it (process.stdout looked up per line).
  const stdout = { write: (line: string) => process.stdout.write(terminalSafeJson(line)) };
  const streams: pino.StreamEntry[] = [{ stream: stdout, level: streamLevel }];
  if (file) {
    // pino-roll links current.log before its own mkdir runs, so the folder must exist first.
    mkdirSync(dirname(file), { recursive: true });
    const roll = pino.transport({
      target: 'pino-roll',
      options: { file, size: rotation.size, limit: { count: rotation.files }, mkdir: true, symlink: true },
    });
    streams.push({ stream: roll, level: streamLevel });
  }
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, pino.multistream(streams));
}
