// Malformed WebSocket frames for the fuzzer, by category, from a seeded generator so a failing run can be replayed.

export const FRAME_LIMIT = 64 * 1024;

export type Category =
  | 'invalid-json'
  | 'wrong-shape'
  | 'unknown-method'
  | 'bad-input'
  | 'huge-id'
  | 'deep-nesting'
  | 'binary'
  | 'oversize';

export const CATEGORIES: Category[] = [
  'invalid-json',
  'wrong-shape',
  'unknown-method',
  'bad-input',
  'huge-id',
  'deep-nesting',
  'binary',
  'oversize',
];

export interface Frame {
  category: Category;
  data: string | Buffer;
  /** Over the server's maxPayload: the server must close the connection (1009) and nothing else. */
  closes: boolean;
  /** A close code the server may answer this frame with (a failed legacy sign-in closes with 4001). */
  mayClose?: number;
}

/** mulberry32: small, fast, seedable. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;
const int = (rng: Rng, max: number) => Math.floor(rng() * max);

const ALPHABET = 'abc{}[]":,\\0123456789 \n\t\u0000\u00ff\u2028\ud800\ud83d\ude00<>&@/';
const junk = (rng: Rng, n: number) => Array.from({ length: n }, () => pick(rng, [...ALPHABET])).join('');

const TRPC_PATHS = [
  'chat.send',
  'chat.history',
  'chat.onMessage',
  'chat.setTyping',
  'communication.switch',
  'employees.hire',
  'employees.fire',
  'tasks.assign',
  'tasks.stop',
  'tasks.log',
  'users.revoke',
];
const WEIRD_VALUES: unknown[] = [
  null,
  true,
  -1,
  0,
  1.5,
  Number.MAX_SAFE_INTEGER,
  -Number.MAX_VALUE,
  '',
  ' ',
  'x'.repeat(5000),
  [],
  {},
  JSON.parse('{"__proto__":{"polluted":true}}'),
  { constructor: { prototype: { polluted: true } } },
  '\u0000',
  '../../etc/passwd',
  '<script>alert(1)</script>',
];

function trpcFrame(rng: Rng, category: Category): unknown {
  const id = int(rng, 1_000_000);
  switch (category) {
    case 'wrong-shape':
      return pick(rng, [
        [],
        42,
        'just a string',
        null,
        { id },
        { method: 'query' },
        { id, method: 'query', params: 'nope' },
        { id, method: 'query', params: { path: 42 } },
        { id, method: 'subscription.stop' },
        { id, jsonrpc: '1.0', method: 'mutation', params: { path: 'chat.send' } },
        { id: { nested: id }, method: 'query', params: { path: 'health' } },
        { method: 'connectionParams', data: 'not an object' },
      ]);
    case 'unknown-method':
      return pick(rng, [
        { id, method: 'delete', params: { path: 'chat.send', input: {} } },
        { id, method: 'query', params: { path: `nope.${junk(rng, 5)}`, input: {} } },
        { id, method: 'mutation', params: { path: '__proto__.constructor', input: {} } },
        { id, method: 'subscription', params: { path: 'chat.send', input: { text: 'x' } } },
        { id, method: 'query', params: { path: 'chat.send', input: { text: 'wrong kind' } } },
      ]);
    case 'bad-input':
      return {
        id,
        method: pick(rng, ['query', 'mutation', 'subscription']),
        params: { path: pick(rng, TRPC_PATHS), input: pick(rng, WEIRD_VALUES) },
      };
    case 'huge-id':
      return {
        id: pick(rng, [
          Number.MAX_VALUE,
          -Number.MAX_VALUE,
          2 ** 64,
          '9'.repeat(1000),
          1e308 * 10,
          -0,
          0.000001,
          `${id}`.repeat(200),
        ]),
        method: 'query',
        params: { path: 'health' },
      };
    default:
      return null;
  }
}

function legacyFrame(rng: Rng, category: Category): unknown {
  switch (category) {
    case 'wrong-shape':
      return pick(rng, [
        [],
        7,
        null,
        { no: 'type' },
        { type: '' },
        { type: 42 },
        { type: 'chat_message', data: 'string data' },
        { type: 'auth', user_id: { nested: true } },
        { type: 'typing', is_typing: 'yes' },
      ]);
    case 'unknown-method':
      return { type: pick(rng, ['delete_all', 'shutdown', '__proto__', 'constructor', junk(rng, 8)]) };
    case 'bad-input':
      return pick(rng, [
        { type: 'chat_message', text: pick(rng, WEIRD_VALUES), reply_to: pick(rng, WEIRD_VALUES) },
        { type: 'auth', user_id: pick(rng, WEIRD_VALUES), role: 'admin' },
        { type: 'auth', token: pick(rng, WEIRD_VALUES) },
        { type: 'typing', is_typing: pick(rng, WEIRD_VALUES) },
      ]);
    case 'huge-id':
      return {
        type: 'chat_message',
        text: 'huge reply id',
        reply_to: pick(rng, [2 ** 64, '9'.repeat(1000), -1e308]),
      };
    default:
      return null;
  }
}

function nested(rng: Rng): string {
  // Up to ~30,000 levels: within the 64 KiB limit, far deeper than any real frame.
  const open = pick(rng, ['[', '{"a":']);
  const close = open === '[' ? ']' : '}';
  const fits = Math.floor((FRAME_LIMIT - 16) / (open.length + close.length));
  const depth = Math.min(fits, 1000 + int(rng, 30_000));
  const complete = rng() < 0.7;
  return open.repeat(depth) + (complete ? `1${close.repeat(depth)}` : '');
}

/** Oversize frames cost a reconnect each: 1 in 100, the rest spread evenly. */
function pickCategory(rng: Rng): Category {
  if (rng() < 0.01) return 'oversize';
  return pick(
    rng,
    CATEGORIES.filter((c) => c !== 'oversize'),
  );
}

/** One malformed frame for the tRPC (`/`) or legacy (`/legacy`) endpoint. */
export function malformedFrame(rng: Rng, endpoint: 'trpc' | 'legacy', category = pickCategory(rng)): Frame {
  switch (category) {
    case 'invalid-json': {
      const valid = JSON.stringify(
        endpoint === 'trpc' ? trpcFrame(rng, 'bad-input') : legacyFrame(rng, 'bad-input'),
      );
      const data = pick(rng, [
        junk(rng, 1 + int(rng, 200)),
        valid.slice(0, int(rng, valid.length)),
        `${valid}}`,
        valid.replace(/"/g, "'"),
        '',
        'undefined',
        'NaN',
      ]);
      return { category, data, closes: false };
    }
    case 'deep-nesting':
      return { category, data: nested(rng), closes: false };
    case 'binary': {
      const bytes = Buffer.alloc(1 + int(rng, 2048));
      for (let i = 0; i < bytes.length; i++) bytes[i] = int(rng, 256);
      return { category, data: bytes, closes: false };
    }
    case 'oversize': {
      const size = FRAME_LIMIT + 1 + int(rng, FRAME_LIMIT);
      const payload = `{"id":1,"method":"mutation","params":{"path":"chat.send","input":{"text":"${'x'.repeat(size)}"}}}`;
      return { category, data: payload, closes: true };
    }
    default: {
      const value = endpoint === 'trpc' ? trpcFrame(rng, category) : legacyFrame(rng, category);
      const auth = endpoint === 'legacy' && (value as { type?: unknown } | null)?.type === 'auth';
      return {
        category,
        data: JSON.stringify(value) ?? 'null',
        closes: false,
        ...(auth ? { mayClose: 4001 } : {}),
      };
    }
  }
}
