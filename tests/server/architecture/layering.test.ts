// Which server folders may import which: db/ implements the ports and never reaches into hub/ or the layers above
// it, and ports/ (the interfaces both sides see) depends on neither. Fails naming the file and the import.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../../..');
const server = join(root, 'src/server');

/** Every module specifier in a source file: static imports, re-exports, dynamic imports and type imports. */
function specifiers(source: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\b(?:import|export)\s[^'"`;]*?\sfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns)
    for (const match of source.matchAll(pattern)) found.push(match[1] as string);
  return found;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|mts|mjs|js)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

/** `from`'s files that import anything under one of `forbidden` (folders of src/server), as "file -> import". */
function violations(from: string, forbidden: string[]): string[] {
  const out: string[] = [];
  for (const file of sources(join(server, from))) {
    for (const spec of specifiers(readFileSync(file, 'utf8'))) {
      if (!spec.startsWith('.')) continue;
      const target = relative(server, resolve(dirname(file), spec));
      if (forbidden.some((f) => target === f || target.startsWith(`${f}/`)))
        out.push(`${relative(root, file)} -> ${spec}`);
    }
  }
  return out;
}

describe('server layering', () => {
  it('db/ imports neither hub/ nor the layers built on it', () => {
    expect(violations('db', ['hub', 'agents', 'transports', 'trpc', 'http'])).toEqual([]);
  });

  it('ports/ depends on neither side it connects', () => {
    expect(violations('ports', ['hub', 'db', 'agents', 'transports', 'trpc', 'http'])).toEqual([]);
  });

  it('finds every kind of import the rule must see', () => {
    const source = [
      "import type { Bus } from '../hub/bus';",
      "import {\n  Presence,\n} from '../hub/presence';",
      "export { x } from '../hub/x';",
      "import '../hub/side-effect';",
      "const m = await import('../hub/lazy');",
    ].join('\n');
    expect(specifiers(source)).toEqual(
      expect.arrayContaining([
        '../hub/bus',
        '../hub/presence',
        '../hub/x',
        '../hub/side-effect',
        '../hub/lazy',
      ]),
    );
  });
});
