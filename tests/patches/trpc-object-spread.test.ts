// patches/@trpc+server+11.19.0.patch replaces the object-spread helper in @trpc/server's build (oxc's
// `_objectSpread2`, through which tRPC copies its call options several times per procedure call) with a faster one.
// It must give exactly what the original gives: the original is still in @trpc/client's build (unpatched), so
// both are loaded from the installed files and compared on every shape of spread the compiled code can make.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

type Spread = (target: object, ...sources: unknown[]) => object;
const require = createRequire(import.meta.url);

/** The dist folder of a package (its main entry sits in it). */
function distOf(pkg: string): string {
  let dir = dirname(require.resolve(pkg));
  while (!dir.endsWith('dist')) dir = dirname(dir);
  return dir;
}

/** The source of the helper region (typeof … objectSpread2) of a built file, as a function returning the helper. */
function helperFrom(source: string): Spread {
  const helpers = source.indexOf('@oxc-project+runtime');
  const start = source.lastIndexOf('\n', helpers) + 1;
  const spread = source.indexOf('function _objectSpread2(');
  const end = source.indexOf('//#endregion', spread);
  if (helpers === -1 || spread === -1 || end === -1) throw new Error('no oxc helper region in this file');
  return new Function(`${source.slice(start, end)}\nreturn _objectSpread2;`)() as Spread;
}

function builtFileWith(pkg: string, marker: string): string {
  const dist = distOf(pkg);
  for (const name of readdirSync(dist).filter((n) => n.endsWith('.mjs'))) {
    const text = readFileSync(join(dist, name), 'utf8');
    if (text.includes(marker)) return text;
  }
  throw new Error(`no built file of ${pkg} defines ${marker}`);
}

const serverFile = builtFileWith('@trpc/server', 'function _objectSpread2(');
const patched = helperFrom(serverFile);
const original = helperFrom(builtFileWith('@trpc/client', 'function _objectSpread2('));

/** Everything observable about an object: its prototype and each own key's descriptor, in order. */
function shape(object: object) {
  return {
    proto: Object.getPrototypeOf(object),
    keys: Reflect.ownKeys(object).map((key) => [key, Object.getOwnPropertyDescriptor(object, key)]),
  };
}

const visible = Symbol('visible');
const hidden = Symbol('hidden');
const withSymbols = { a: 1, [visible]: 'v' };
Object.defineProperty(withSymbols, hidden, { value: 'h', enumerable: false });
const getter = () => 42;
const literalWithAccessor = Object.defineProperty({ plain: 1 }, 'computed', {
  get: getter,
  enumerable: true,
  configurable: true,
});
const literalWithHidden = Object.defineProperty({ shown: 1 }, 'notShown', { value: 2, enumerable: false });
const inherited = Object.assign(Object.create({ fromProto: 'p' }), { own: 'o' });
const ownProto = JSON.parse('{"__proto__": {"polluted": true}, "after": 1}');
const numberKeys = { b: 1, 10: 'ten', 2: 'two', a: 2 };
class WithSetter {
  seen: unknown[] = [];
  set watched(value: unknown) {
    this.seen.push(value);
  }
}
const callOptions = {
  path: 'chat.send',
  type: 'mutation',
  ctx: { user: { id: 'u' } },
  getRawInput: () => Promise.resolve({}),
  input: { text: 'hi' },
  signal: undefined,
  batchIndex: 0,
};
const next = () => {};

// [name, a fresh target, the sources]: odd positions are spread sources, even ones object literals (oxc's layout).
const cases: [string, () => object, unknown[]][] = [
  [
    "tRPC's call options, then a literal with a method",
    () => ({}),
    [callOptions, {}, { meta: undefined, next }],
  ],
  ['nested spread of a context', () => ({}), [callOptions.ctx, { user: { id: 'v' } }]],
  ['enumerable and hidden symbols', () => ({}), [withSymbols]],
  ['a literal with an accessor', () => ({}), [{ x: 1 }, literalWithAccessor]],
  ['a literal with a non-enumerable key', () => ({}), [{ x: 1 }, literalWithHidden]],
  ['inherited keys are not copied', () => ({}), [inherited]],
  ['an own __proto__ key', () => ({}), [ownProto]],
  ['integer-like keys first', () => ({}), [numberKeys]],
  ['primitive and missing sources', () => ({}), ['ab', {}, 7, {}, null, {}, undefined]],
  ['a key the target already has', () => ({ a: 'old', keep: true }), [{ a: 'new' }]],
  ['a setter on the target', () => new WithSetter(), [{ watched: 'v' }]],
  ['a setter on the target, from a literal', () => new WithSetter(), [{}, { watched: 'w' }]],
  ['a frozen source', () => ({}), [Object.freeze({ f: 1 })]],
];

describe('the patched object-spread helper of @trpc/server', () => {
  it('is installed (npm install runs patch-package; without it this build is the original)', () => {
    expect(serverFile).toContain('Patched (patches/@trpc+server');
  });

  it.each(cases)('gives what the original gives: %s', (_name, target, sources) => {
    const fromPatched = patched(target(), ...sources);
    const fromOriginal = original(target(), ...sources);
    expect(shape(fromPatched)).toEqual(shape(fromOriginal));
    if (fromOriginal instanceof WithSetter)
      expect((fromPatched as WithSetter).seen).toEqual(fromOriginal.seen);
  });
});
