// Imports the Python version's employees and chat history into this project's database (SQLite or PostgreSQL,
// as DATABASE_URL says), in one transaction, idempotently:
//   npm run import:original -- --from <dir of the original install> [--dry-run] [--skip-bad]
//     [--employees-db F] [--chat-db F] [--env yes|no] [--env-file .env]
// Exit codes: 0 imported (or nothing new), 1 rows refused (nothing written) or the import failed, 2 bad usage.
import { existsSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { configSchema } from '../src/server/config';
import { sqlitePath } from '../src/server/db/client';
import { isPostgresUrl } from '../src/server/db/pg/client';
import { openStorage } from '../src/server/db/storage';
import { offerSettings } from './import/env-offer';
import { importOriginal, RefusedRowsError } from './import/importer';
import { NotOriginalError, OriginalChat, OriginalEmployees } from './import/original-db';
import { locateOriginal, telegramSettings } from './import/original-env';
import { progressBar } from './import/progress';
import { formatSummary } from './import/summary';

const usage =
  'usage: npm run import:original -- --from <dir> [--dry-run] [--skip-bad] [--employees-db F] [--chat-db F] [--env yes|no] [--env-file F]';

const same = (a: string, b: string) => existsSync(a) && existsSync(b) && realpathSync(a) === realpathSync(b);

async function main(argv: string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        from: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        'skip-bad': { type: 'boolean', default: false },
        'employees-db': { type: 'string' },
        'chat-db': { type: 'string' },
        env: { type: 'string', default: 'ask' },
        'env-file': { type: 'string', default: '.env' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  if (values.help) {
    console.log(usage);
    return 0;
  }
  if (typeof values.from !== 'string' || !existsSync(values.from)) {
    console.error(
      `--from must name the directory of the Python install${values.from ? ` (${values.from} does not exist)` : ''}\n${usage}`,
    );
    return 2;
  }
  const answer = String(values.env);
  if (answer !== 'yes' && answer !== 'no' && answer !== 'ask') {
    console.error(`--env must be yes or no\n${usage}`);
    return 2;
  }
  const dryRun = Boolean(values['dry-run']);
  const envFile = String(values['env-file']);
  // This project's own .env, as npm start reads it, says where the data goes.
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  const databaseUrl = configSchema.shape.DATABASE_URL.parse(process.env.DATABASE_URL || undefined);

  const original = locateOriginal(values.from, {
    employeesDb: values['employees-db'] as string | undefined,
    chatDb: values['chat-db'] as string | undefined,
  });
  if (!isPostgresUrl(databaseUrl)) {
    const target = resolve(sqlitePath(databaseUrl));
    if (same(target, original.employeesDb) || same(target, original.chatDb)) {
      console.error(
        `DATABASE_URL (${target}) is one of the original's own databases: point it at this project's database`,
      );
      return 2;
    }
  }
  let agents: OriginalEmployees | null;
  let chat: OriginalChat | null;
  try {
    agents = OriginalEmployees.open(original.employeesDb);
    chat = OriginalChat.open(original.chatDb);
  } catch (error) {
    if (error instanceof NotOriginalError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
  if (!agents && !chat) {
    console.error(
      `Found neither database of the original: ${original.employeesDb} (${original.sources.employeesDb}) nor ${original.chatDb} (${original.sources.chatDb}); name them with --employees-db and --chat-db`,
    );
    return 2;
  }
  console.log(`Importing from ${original.dir}`);
  console.log(`  employees: ${agents ? original.employeesDb : `none (${original.employeesDb} not found)`}`);
  console.log(`  chat:      ${chat ? original.chatDb : `none (${original.chatDb} not found)`}`);

  const storage = await openStorage(databaseUrl);
  const progress = progressBar(process.stderr, 'messages');
  const started = Date.now();
  let code = 0;
  let read = 0;
  try {
    const report = await importOriginal(
      storage.import,
      { employees: agents, chat },
      {
        dryRun,
        skipBad: Boolean(values['skip-bad']),
        onProgress: (done, total) => {
          read = done;
          progress.update(done, total);
        },
      },
    );
    progress.finish();
    console.log(formatSummary(report, dryRun).join('\n'));
  } catch (error) {
    progress.finish();
    if (!(error instanceof RefusedRowsError)) throw error;
    console.log(formatSummary(error.report, dryRun).join('\n'));
    console.error(
      'Nothing was imported: the rows above cannot come over as they are. Fix them in the original, or run again with --skip-bad to import everything else and leave them out.',
    );
    code = 1;
  } finally {
    agents?.close();
    chat?.close();
    await storage.close();
  }
  const seconds = (Date.now() - started) / 1000;
  const perSecond = Math.round(read / Math.max(seconds, 0.001));
  const resources = process.resourceUsage();
  const cpu = (resources.userCPUTime + resources.systemCPUTime) / 1e6;
  console.log(
    `Took ${seconds.toFixed(1)} s (${perSecond.toLocaleString('en')} rows/s; CPU ${cpu.toFixed(1)} s); peak memory ${Math.round(resources.maxRSS / 1024)} MB`,
  );
  if (code === 0) {
    for (const line of await offerSettings(telegramSettings(original.env), envFile, answer, dryRun))
      console.log(line);
  }
  return code;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(
      `import failed, nothing was written: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exit(1);
  },
);
