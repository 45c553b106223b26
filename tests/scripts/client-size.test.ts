// The web client's initial JavaScript stays within issue 19's budget (150 kB gzip), with the optional parts
// (Markdown renderer, highlighting, admin area) in lazy chunks; and the measure follows static imports only.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLIENT_OUT, ensureClientBuilt } from '../../scripts/build-client';
import { describeInitialJs, INITIAL_JS_BUDGET, measureInitialJs } from '../../scripts/client-size';

const temp = mkdtempSync(join(tmpdir(), 'client-size-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('client size', () => {
  it('counts the entry, its preloads and their static imports, not lazy chunks', () => {
    mkdirSync(join(temp, 'assets'));
    writeFileSync(
      join(temp, 'index.html'),
      '<script type="module" crossorigin src="/assets/entry.js"></script><link rel="modulepreload" crossorigin href="/assets/runtime.js">',
    );
    writeFileSync(
      join(temp, 'assets/entry.js'),
      'import{a as b}from"./shared.js";import"./side.js";const m=()=>import("./lazy.js");',
    );
    writeFileSync(join(temp, 'assets/shared.js'), 'export{x as a}from"./deep.js";');
    for (const name of ['runtime', 'side', 'deep', 'lazy'])
      writeFileSync(join(temp, `assets/${name}.js`), name);
    const size = measureInitialJs(temp);
    expect(size.files.map((f) => f.path).sort()).toEqual(
      ['deep', 'entry', 'runtime', 'shared', 'side'].map((n) => join('assets', `${n}.js`)),
    );
  });

  it('keeps the built client within 150 kB gzip of initial JavaScript, optional parts loaded on demand', async () => {
    await ensureClientBuilt();
    const size = measureInitialJs(CLIENT_OUT);
    console.log(describeInitialJs(size));
    const initial = size.files.map((f) => f.path).join(' ');
    for (const lazy of ['Markdown', 'AdminPanel', 'core', 'DiffPanel']) expect(initial).not.toContain(lazy);
    expect(size.gzip, describeInitialJs(size)).toBeLessThanOrEqual(INITIAL_JS_BUDGET);
  }, 180_000);
});
