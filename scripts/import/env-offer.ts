// Offers the original's Telegram settings for this project's .env: shown (secrets masked), written only when the
// operator agrees (--env yes, or "y" at the prompt), keeping every other line and comment of the file.
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { readEnv, setEnvValues } from '../migrate/env-file';

/** The settings whose value differs from what `envFile` has now. */
export function pendingSettings(values: Record<string, string>, envFile: string): Record<string, string> {
  const current = existsSync(envFile) ? readEnv(readFileSync(envFile, 'utf8')) : {};
  return Object.fromEntries(Object.entries(values).filter(([key, value]) => current[key] !== value));
}

const shown = (key: string, value: string) =>
  key.includes('TOKEN') ? `${value.slice(0, 4)}… (${value.length} characters)` : value;

export function writeSettings(values: Record<string, string>, envFile: string): void {
  const existed = existsSync(envFile);
  const text = existed ? readFileSync(envFile, 'utf8') : '';
  writeFileSync(envFile, setEnvValues(text, values, 'npm run import:original'));
  // A new file holds a bot token: readable by its owner only.
  if (!existed) chmodSync(envFile, 0o600);
}

/** Returns the lines to print; writes when `answer` is yes (or the operator says so at a terminal). */
export async function offerSettings(
  values: Record<string, string>,
  envFile: string,
  answer: 'yes' | 'no' | 'ask',
  dryRun: boolean,
): Promise<string[]> {
  const pending = pendingSettings(values, envFile);
  const keys = Object.keys(pending);
  if (keys.length === 0) return [];
  const out = [
    `The original's .env has Telegram settings this project's ${envFile} does not:`,
    ...keys.map((key) => `  ${key}=${shown(key, pending[key] as string)}`),
  ];
  let write = answer === 'yes';
  if (answer === 'ask' && !dryRun && process.stdin.isTTY) {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    console.log(out.join('\n'));
    out.length = 0;
    write = /^y(es)?$/i.test((await rl.question(`Copy them into ${envFile}? [y/N] `)).trim());
    rl.close();
  }
  if (dryRun) out.push('  (dry run: not written)');
  else if (write) {
    writeSettings(pending, envFile);
    out.push(`  copied into ${envFile} (its other lines and comments kept)`);
  } else if (answer !== 'no') out.push(`  not copied; to copy them, run again with --env yes`);
  return out;
}
