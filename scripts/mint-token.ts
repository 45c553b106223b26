// Prints an HS256 token for token mode, always with an expiry: npm run token -- --user alice --role admin [--expires 30d]
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { mintToken, userIdSchema } from '../src/server/auth';

if (existsSync('.env')) process.loadEnvFile('.env');

const usage = 'usage: npm run token -- --user NAME [--role user|admin] [--expires 30d]  (needs AUTH_SECRET)';

function fail(message: string): never {
  console.error(`${message}\n${usage}`);
  process.exit(2);
}

let values: { user?: string; role?: string; expires?: string };
try {
  ({ values } = parseArgs({
    options: {
      user: { type: 'string' },
      role: { type: 'string', default: 'user' },
      expires: { type: 'string', default: '30d' },
    },
  }));
} catch (error) {
  fail((error as Error).message);
}
const secret = process.env.AUTH_SECRET;
if (!secret || secret.length < 32)
  fail('AUTH_SECRET must be set (32+ characters) in the environment or .env');
const user = userIdSchema.safeParse(values.user);
if (!user.success) fail(`--user: ${user.error.issues[0]?.message}`);
if (values.role !== 'user' && values.role !== 'admin') fail('--role must be user or admin');
// Every token expires (the server refuses one without `exp`): a positive duration, never "0" or "never".
const expires =
  /^([1-9]\d*)\s*(s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|weeks?|y|yrs?|years?)$/i.exec(
    values.expires ?? '',
  );
if (!expires) fail('--expires must be a duration such as 30d, 12h or 90m (every token expires)');

console.log(await mintToken(secret, { user: user.data, role: values.role }, values.expires));
