// Moves a Telegram-configured install to the WebSocket transport, with backup and exact rollback:
//   npm run migrate:websocket -- [--host H] [--port P] [--test-mode] [--rollback] [--backup-dir D] [--dry-run]
// Exit codes: 0 migrated / nothing to do / rolled back, 1 a step failed, 2 bad usage or refused.
import { parseArgs } from 'node:util';
import { migrate, rollback } from './migrate/migration';

const usage =
  'usage: npm run migrate:websocket -- [--host H] [--port P] [--test-mode] [--rollback] [--backup-dir D] [--dry-run]';

async function main(argv: string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '8765' },
        'test-mode': { type: 'boolean', default: false },
        rollback: { type: 'boolean', default: false },
        'backup-dir': { type: 'string', default: 'migration_backup' },
        'dry-run': { type: 'boolean', default: false },
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
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    console.error(`--port must be a port number (1-65535), not ${values.port}\n${usage}`);
    return 2;
  }
  const root = process.cwd();
  const backupDir = String(values['backup-dir']);
  if (values.rollback) {
    return rollback({ root, backupDir }).status === 'rolled-back' ? 0 : 2;
  }
  const outcome = await migrate({
    root,
    backupDir,
    host: String(values.host),
    port,
    testMode: Boolean(values['test-mode']),
    dryRun: Boolean(values['dry-run']),
  });
  if (outcome.status === 'failed') {
    console.error(
      `Migration failed at step ${outcome.step}: ${outcome.error}\n${
        outcome.rolledBack
          ? 'Every file was restored.'
          : 'Files were left as they are (test mode); undo with --rollback.'
      }`,
    );
    return 1;
  }
  return outcome.status === 'refused' ? 2 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(`migration crashed: ${error instanceof Error ? error.stack : String(error)}`);
    process.exit(1);
  },
);
