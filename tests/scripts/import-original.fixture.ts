// A Python install for the importer tests: its databases made with the original's own CREATE TABLE statements
// (src/managers/file_ownership.py, src/chat/message_persistence.py of stanley-marketing/opencode-async-agents)
// and rows as it wrote them: datetime.now() as str, INSERT OR REPLACE by message_id, mentions as a JSON array.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export const ORIGINAL_EMPLOYEES_SCHEMA = `
            CREATE TABLE IF NOT EXISTS employees (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                name TEXT UNIQUE NOT NULL,
                role TEXT NOT NULL,
                smartness TEXT DEFAULT 'normal', -- smart | normal
                hired_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP
            );
            CREATE TABLE IF NOT EXISTS file_locks (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                file_path TEXT NOT NULL,
                employee_name TEXT NOT NULL,
                task_description TEXT,
                status TEXT DEFAULT 'locked', -- locked, released, requested
                locked_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
                FOREIGN KEY (employee_name) REFERENCES employees (name)
            );
            CREATE TABLE IF NOT EXISTS file_requests (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                file_path TEXT NOT NULL,
                requester TEXT NOT NULL,
                owner TEXT NOT NULL,
                reason TEXT,
                status TEXT DEFAULT 'pending', -- pending, approved, denied
                requested_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
                FOREIGN KEY (requester) REFERENCES employees (name),
                FOREIGN KEY (owner) REFERENCES employees (name)
            );
            CREATE INDEX IF NOT EXISTS idx_file_locks_path ON file_locks(file_path);
            CREATE INDEX IF NOT EXISTS idx_file_locks_employee ON file_locks(employee_name);
            CREATE INDEX IF NOT EXISTS idx_file_locks_status ON file_locks(status);
            CREATE INDEX IF NOT EXISTS idx_file_requests_file ON file_requests(file_path);
            CREATE INDEX IF NOT EXISTS idx_file_requests_status ON file_requests(status);`;

export const ORIGINAL_CHAT_SCHEMA = `
                    CREATE TABLE IF NOT EXISTS messages (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        message_id TEXT UNIQUE NOT NULL,
                        conversation_id TEXT NOT NULL,
                        sender TEXT NOT NULL,
                        text TEXT NOT NULL,
                        message_type TEXT NOT NULL DEFAULT 'chat_message',
                        timestamp DATETIME NOT NULL,
                        reply_to TEXT,
                        mentions TEXT,  -- JSON array
                        metadata TEXT,  -- JSON object
                        created_at DATETIME DEFAULT CURRENT_TIMESTAMP
                    );
                    CREATE TABLE IF NOT EXISTS conversations (
                        id TEXT PRIMARY KEY,
                        title TEXT NOT NULL,
                        participants TEXT NOT NULL,  -- JSON array
                        created_at DATETIME NOT NULL,
                        last_activity DATETIME NOT NULL,
                        message_count INTEGER DEFAULT 0,
                        metadata TEXT,  -- JSON object
                        updated_at DATETIME DEFAULT CURRENT_TIMESTAMP
                    );
                CREATE INDEX IF NOT EXISTS idx_messages_conversation ON messages(conversation_id);
                CREATE INDEX IF NOT EXISTS idx_messages_timestamp ON messages(timestamp);
                CREATE INDEX IF NOT EXISTS idx_messages_sender ON messages(sender);
                CREATE INDEX IF NOT EXISTS idx_messages_reply_to ON messages(reply_to);
                CREATE INDEX IF NOT EXISTS idx_conversations_last_activity ON conversations(last_activity);`;

export interface OriginalMessage {
  message_id: string;
  conversation_id?: string;
  sender: string;
  text: string;
  message_type?: string;
  timestamp: string;
  reply_to?: string | null;
  mentions?: string[];
}

/** MessagePersistence.store_message: INSERT OR REPLACE keyed by message_id, then the conversation's row. */
export function storeMessage(db: Database.Database, m: OriginalMessage): void {
  const conversation = m.conversation_id ?? 'main';
  db.prepare(
    `INSERT OR REPLACE INTO messages
     (message_id, conversation_id, sender, text, message_type, timestamp, reply_to, mentions, metadata)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    m.message_id,
    conversation,
    m.sender,
    m.text,
    m.message_type ?? 'chat_message',
    m.timestamp,
    m.reply_to ?? null,
    JSON.stringify(m.mentions ?? []),
    '{}',
  );
  const row = db.prepare('SELECT participants FROM conversations WHERE id = ?').get(conversation) as
    | { participants: string }
    | undefined;
  if (row) {
    const participants = JSON.parse(row.participants) as string[];
    if (!participants.includes(m.sender)) participants.push(m.sender);
    db.prepare(
      'UPDATE conversations SET participants = ?, last_activity = ?, message_count = message_count + 1 WHERE id = ?',
    ).run(JSON.stringify(participants), m.timestamp, conversation);
  } else {
    db.prepare(
      `INSERT INTO conversations (id, title, participants, created_at, last_activity, message_count, metadata)
       VALUES (?, ?, ?, ?, ?, 1, '{}')`,
    ).run(conversation, `Conversation ${conversation}`, JSON.stringify([m.sender]), m.timestamp, m.timestamp);
  }
}

/** The realistic history: replies, mentions, a command, unicode, an empty text, a system line, two conversations. */
export const HISTORY: OriginalMessage[] = [
  {
    message_id: '1',
    sender: 'stanley',
    text: 'Hi team 👋 @alice can you fix the login?',
    timestamp: '2025-06-02 09:00:00.123456',
    mentions: ['alice'],
  },
  {
    message_id: '2',
    sender: 'alice',
    text: "On it — @stanley, I'll check src/auth.py",
    message_type: 'agent_response',
    timestamp: '2025-06-02 09:00:05.000001',
    reply_to: '1',
    mentions: ['stanley'],
  },
  { message_id: '3', sender: 'stanley', text: '/status alice', timestamp: '2025-06-02 09:01:00' },
  {
    message_id: '4',
    conversation_id: 'design',
    sender: 'bob',
    text: 'Ünïcödé — 日本語 ✓; mail bob@example.com, not a mention',
    timestamp: '2025-06-02 09:02:00.5',
  },
  { message_id: '5', sender: 'stanley', text: '   ', timestamp: '2025-06-02 09:03:00' },
  {
    message_id: '6',
    sender: 'system',
    text: 'carol was hired as tester',
    message_type: 'system',
    timestamp: '2025-06-02 09:04:00',
  },
  {
    message_id: '7',
    conversation_id: 'design',
    sender: 'Carol',
    text: '@Bob-bot thanks!',
    timestamp: '2025-06-02 09:05:00',
    reply_to: '4',
    mentions: ['Bob-bot'],
  },
];

export interface FixtureOptions {
  /** Rows the importer must refuse: an employee name with a space, a text longer than 4096 characters. */
  bad?: boolean;
  /** The original's .env. */
  env?: string;
  /** Database file names inside the install (as its .env would name them). */
  employeesDb?: string;
  chatDb?: string;
}

/** Creates the install in a new temporary directory; returns its path. */
export function makeOriginalInstall(options: FixtureOptions = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'ocs-original-'));
  const employeesPath = join(dir, options.employeesDb ?? 'employees.db');
  const chatPath = join(dir, options.chatDb ?? 'chat_history.db');
  mkdirSync(join(employeesPath, '..'), { recursive: true });
  mkdirSync(join(chatPath, '..'), { recursive: true });
  const agents = new Database(employeesPath);
  agents.exec(ORIGINAL_EMPLOYEES_SCHEMA);
  const hire = agents.prepare('INSERT INTO employees (name, role, smartness, hired_at) VALUES (?, ?, ?, ?)');
  hire.run('alice', 'developer', 'smart', '2025-06-01 08:00:00');
  hire.run('bob', 'designer', 'normal', '2025-06-01 08:30:00');
  hire.run('Carol', 'tester', 'normal', '2025-06-02 09:04:00');
  if (options.bad) hire.run('Dr. Who', 'time lord', 'smart', '2025-06-01 09:00:00');
  agents
    .prepare(
      "INSERT INTO file_locks (file_path, employee_name, task_description) VALUES (?, 'alice', 'fix login')",
    )
    .run('src/auth.py');
  agents
    .prepare(
      "INSERT INTO file_locks (file_path, employee_name, task_description, status) VALUES ('README.md', 'bob', 'x', 'released')",
    )
    .run();
  agents
    .prepare(
      "INSERT INTO file_requests (file_path, requester, owner, reason) VALUES ('src/auth.py', 'bob', 'alice', 'css')",
    )
    .run();
  agents.close();
  const chat = new Database(chatPath);
  chat.exec(ORIGINAL_CHAT_SCHEMA);
  // Stored out of timestamp order (the importer orders by timestamp, not by row id).
  for (const m of [...HISTORY.slice(3), ...HISTORY.slice(0, 3)]) storeMessage(chat, m);
  if (options.bad) {
    storeMessage(chat, {
      message_id: '8',
      sender: 'stanley',
      text: 'x'.repeat(5000),
      timestamp: '2025-06-02 09:06:00',
    });
  }
  chat.close();
  if (options.env !== undefined) writeFileSync(join(dir, '.env'), options.env);
  return dir;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs npm run import:original's script with `env` on top of a clean environment, in `cwd`. */
export function runImport(
  args: string[],
  env: Record<string, string>,
  cwd = process.cwd(),
): Promise<RunResult> {
  const child = spawn(
    process.execPath,
    ['--import', import.meta.resolve('tsx'), join(process.cwd(), 'scripts/import-original.ts'), ...args],
    { cwd, env: { PATH: process.env.PATH, TZ: 'UTC', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += String(d);
  });
  child.stderr.on('data', (d) => {
    stderr += String(d);
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    }),
  );
}
