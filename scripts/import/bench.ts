// Benchmark of npm run import:original: builds an original install with N messages (its own schema), imports it
// in a child process and reports rows/s and the child's memory as the import goes (flat while streaming).
//   npm run bench:import -- [--messages 1000000] [--database-url postgres://…]   (default: a new SQLite file)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { ORIGINAL_CHAT_SCHEMA, ORIGINAL_EMPLOYEES_SCHEMA } from '../../tests/scripts/import-original.fixture';

const { values } = parseArgs({
  options: { messages: { type: 'string', default: '1000000' }, 'database-url': { type: 'string' } },
});
const total = Number(values.messages);
const dir = mkdtempSync(join(tmpdir(), 'ocs-bench-import-'));

/** Python's str(datetime): `YYYY-MM-DD HH:MM:SS.ffffff`. */
const pythonTime = (ms: number) => `${new Date(ms).toISOString().replace('T', ' ').slice(0, 23)}000`;

function buildOriginal(): void {
  const agents = new Database(join(dir, 'employees.db'));
  agents.exec(ORIGINAL_EMPLOYEES_SCHEMA);
  agents.exec(
    "INSERT INTO employees (name, role, smartness) VALUES ('alice', 'developer', 'smart'), ('bob', 'tester', 'normal')",
  );
  agents.close();
  const chat = new Database(join(dir, 'chat_history.db'));
  chat.pragma('journal_mode = OFF');
  chat.pragma('synchronous = OFF');
  chat.exec(ORIGINAL_CHAT_SCHEMA);
  const insert = chat.prepare(
    `INSERT INTO messages (message_id, conversation_id, sender, text, message_type, timestamp, reply_to, mentions, metadata)
     VALUES (?, 'main', ?, ?, 'chat_message', ?, ?, '[]', '{}')`,
  );
  const senders = ['stanley', 'maria', 'alice', 'bob', 'li'];
  const start = Date.UTC(2025, 0, 1);
  chat.transaction(() => {
    for (let i = 1; i <= total; i++) {
      const sender = senders[i % senders.length] as string;
      const text =
        i % 7 === 0 ? `@alice please look at issue #${i} 🙏` : `message ${i} from ${sender}: ünïcödé ✓`;
      insert.run(String(i), sender, text, pythonTime(start + i * 250), i % 10 === 0 ? String(i - 1) : null);
    }
  })();
  chat.close();
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

async function main(): Promise<void> {
  const built = Date.now();
  buildOriginal();
  console.log(
    `original install with ${total.toLocaleString('en')} messages built in ${((Date.now() - built) / 1000).toFixed(1)} s`,
  );
  const databaseUrl = values['database-url'] ?? join(dir, 'target.db');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'scripts/import-original.ts', '--from', dir, '--env', 'no'],
    {
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  const samples: string[] = [];
  child.stdout.on('data', (d) => {
    stdout += String(d);
  });
  // Non-TTY progress: one line per tenth; the child's resident memory is sampled at each.
  child.stderr.on('data', (d) => {
    for (const line of String(d).split('\n').filter(Boolean)) {
      const pct = /\((\d+)%\)/.exec(line)?.[1];
      if (pct !== undefined) samples.push(`${pct}%: ${rssMb(child.pid as number)} MB`);
      else process.stderr.write(`${line}\n`);
    }
  });
  const started = Date.now();
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const seconds = (Date.now() - started) / 1000;
  console.log(stdout.trim());
  console.log(
    `\nimport of ${total.toLocaleString('en')} messages into ${values['database-url'] ? 'PostgreSQL' : 'SQLite'}: exit ${code}`,
  );
  console.log(
    `  wall time ${seconds.toFixed(1)} s (process start included): ${Math.round(total / seconds).toLocaleString('en')} rows/s`,
  );
  console.log(`  resident memory of the import while it ran: ${samples.join(', ')}`);
  rmSync(dir, { recursive: true, force: true });
  process.exit(code === 0 ? 0 : 1);
}

main().catch((error) => {
  console.error(error);
  rmSync(dir, { recursive: true, force: true });
  process.exit(1);
});
