// Finds what the Python install's .env says: where its databases are (as it read them) and its Telegram settings.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { sqlitePath } from '../../src/server/db/client';
import { readEnv } from '../migrate/env-file';

export interface OriginalInstall {
  dir: string;
  /** The original's .env (empty when it has none). */
  env: Record<string, string>;
  employeesDb: string;
  chatDb: string;
  /** Where each path came from, for the summary: `default`, a setting name, or `--flag`. */
  sources: { employeesDb: string; chatDb: string };
}

/** Values its .env.example and templates ship with, which nobody would mean to copy. */
const PLACEHOLDER = /^(your[_-].*|changeme|)$/i;

/**
 * The original resolved relative paths against its working directory, which for an install is its directory.
 * Employees: DATABASE_PATH (src/config/config.py), else a sqlite DATABASE_URL (.env.example), else employees.db.
 * Chat history: OPENCODE_CHAT_DB (src/chat/message_persistence.py), else chat_history.db.
 */
export function locateOriginal(
  dir: string,
  flags: { employeesDb?: string; chatDb?: string } = {},
): OriginalInstall {
  const root = resolve(dir);
  const envPath = join(root, '.env');
  const env = existsSync(envPath) ? readEnv(readFileSync(envPath, 'utf8')) : {};
  const at = (path: string) => (isAbsolute(path) ? path : join(root, path));
  let employeesDb = 'employees.db';
  let employeesSource = 'default';
  if (flags.employeesDb) {
    employeesDb = resolve(flags.employeesDb);
    employeesSource = '--employees-db';
  } else if (env.DATABASE_PATH) {
    employeesDb = at(env.DATABASE_PATH);
    employeesSource = 'DATABASE_PATH';
  } else if (env.DATABASE_URL?.startsWith('sqlite')) {
    employeesDb = at(sqlitePath(env.DATABASE_URL));
    employeesSource = 'DATABASE_URL';
  } else employeesDb = at(employeesDb);
  let chatDb = at('chat_history.db');
  let chatSource = 'default';
  if (flags.chatDb) {
    chatDb = resolve(flags.chatDb);
    chatSource = '--chat-db';
  } else if (env.OPENCODE_CHAT_DB) {
    chatDb = at(env.OPENCODE_CHAT_DB);
    chatSource = 'OPENCODE_CHAT_DB';
  }
  return {
    dir: root,
    env,
    employeesDb,
    chatDb,
    sources: { employeesDb: employeesSource, chatDb: chatSource },
  };
}

/** The original's Telegram settings worth carrying over (set, and not the template's placeholder). */
export function telegramSettings(env: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of ['TELEGRAM_BOT_TOKEN', 'TELEGRAM_CHAT_ID']) {
    const value = env[key]?.trim();
    if (value && !PLACEHOLDER.test(value)) out[key] = value;
  }
  return out;
}
