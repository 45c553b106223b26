// Where the opencode binary is: the project's own node_modules/.bin first (the pinned npm package), then PATH.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findExecutable } from '../command-template';

/** The opencode executable to run, or null when it is installed nowhere. */
export function findOpencode(path = process.env.PATH ?? ''): string | null {
  // Walk up from this module to the package root: works from src/ (tsx) and from a built dist/.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'node_modules', '.bin', 'opencode');
    if (existsSync(candidate)) return candidate;
    dir = resolve(dir, '..');
  }
  return findExecutable('opencode', process.cwd(), path);
}
