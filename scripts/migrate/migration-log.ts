// The JSON migration log in the backup folder ({timestamp, step, status, details} per entry), plus the
// progress line printed for each entry.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type StepStatus = 'started' | 'succeeded' | 'failed' | 'skipped' | 'rolled-back' | 'info';

export interface LogEntry {
  timestamp: string;
  step: string;
  status: StepStatus;
  details: Record<string, unknown>;
}

export const LOG_FILE = 'migration-log.json';

export class MigrationLog {
  /** Set once the backup folder exists; entries before that are printed only. */
  private dir: string | null = null;
  private entries: LogEntry[] = [];

  constructor(private readonly print: (line: string) => void) {}

  /** Starts writing to `dir`, keeping the entries of earlier runs (a migration after a rollback, say). */
  attach(dir: string): void {
    const file = join(dir, LOG_FILE);
    const earlier = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as LogEntry[]) : [];
    this.entries = [...earlier, ...this.entries];
    this.dir = dir;
    this.flush();
  }

  add(step: string, status: StepStatus, details: Record<string, unknown> = {}): LogEntry {
    const entry = { timestamp: new Date().toISOString(), step, status, details };
    this.entries.push(entry);
    this.print(progressLine(entry));
    this.flush();
    return entry;
  }

  private flush(): void {
    if (this.dir) writeFileSync(join(this.dir, LOG_FILE), `${JSON.stringify(this.entries, null, 2)}\n`);
  }
}

const MARK: Record<StepStatus, string> = {
  started: '..',
  succeeded: 'ok',
  failed: 'FAILED',
  skipped: 'skipped',
  'rolled-back': 'rolled back',
  info: '--',
};

export function progressLine(entry: LogEntry): string {
  const { error, summary } = entry.details as { error?: string; summary?: string };
  const note = error ?? summary;
  return `[${entry.step}] ${MARK[entry.status]}${note ? `: ${note}` : ''}`;
}
