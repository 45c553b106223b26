// Step 5: start-up files that exist are pointed at the WebSocket transport: docker-compose.yml publishes the
// WebSocket port, and scripts that start the server stop asking for Telegram. Text is edited in place.
import { isMap, isScalar, isSeq, parseDocument, type YAMLMap, type YAMLSeq } from 'yaml';

/** Shell scripts that start the server, checked when present. */
export const START_SCRIPTS = ['start.sh', 'scripts/start.sh'];

/** Rewrites `--transport telegram` and `OPENCODE_TRANSPORT=telegram` in a command line or script. */
export function switchCommand(text: string, port: number): string {
  return text
    .replace(/(--transport(?:=|\s+))(["']?)telegram\2/g, '$1$2websocket$2')
    .replace(/(\bOPENCODE_TRANSPORT=)(["']?)telegram\2/g, '$1$2websocket$2')
    .replace(/(--websocket-port(?:=|\s+))\d+/g, `$1${port}`);
}

/** package.json: only the changed script strings are replaced, so formatting and key order stay. */
export function updatePackageJson(text: string, port: number): string {
  const pkg = JSON.parse(text) as { scripts?: Record<string, unknown> };
  let out = text;
  for (const [name, command] of Object.entries(pkg.scripts ?? {})) {
    if (typeof command !== 'string') continue;
    const changed = switchCommand(command, port);
    if (changed === command) continue;
    const before = `${JSON.stringify(name)}: ${JSON.stringify(command)}`;
    const pattern = new RegExp(
      `${escapeRegExp(JSON.stringify(name))}\\s*:\\s*${escapeRegExp(JSON.stringify(command))}`,
    );
    if (!pattern.test(out)) throw new Error(`package.json: could not find script ${before} to edit`);
    out = out.replace(pattern, (match) => match.replace(JSON.stringify(command), JSON.stringify(changed)));
  }
  return out;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The service that runs the chat server: named for it, publishing 8080, or carrying its settings. */
function serverService(services: YAMLMap): YAMLMap | null {
  const candidates = services.items
    .map((pair) => ({ name: String(isScalar(pair.key) ? pair.key.value : pair.key), node: pair.value }))
    .filter((s): s is { name: string; node: YAMLMap } => isMap(s.node));
  const looksLikeServer = (s: { name: string; node: YAMLMap }) =>
    /opencode|slack|chat/i.test(s.name) ||
    JSON.stringify(s.node.toJSON()).match(/OPENCODE_|TELEGRAM_|WEBSOCKET_|8080/) !== null;
  return (candidates.find(looksLikeServer) ?? candidates[0])?.node ?? null;
}

const containerPort = (mapping: unknown) => {
  const text = String(mapping).replace(/\/(tcp|udp)$/, '');
  return Number(text.split(':').at(-1));
};

/** docker-compose.yml: publishes `port:port` and sets OPENCODE_TRANSPORT=websocket where it is set. */
export function updateCompose(text: string, port: number): string {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    throw new Error(`docker-compose.yml is not valid YAML: ${doc.errors[0]?.message.split('\n')[0]}`);
  }
  const services = doc.get('services');
  if (!isMap(services)) throw new Error('docker-compose.yml has no services: map');
  const service = serverService(services);
  if (!service) throw new Error('docker-compose.yml: no service to publish the WebSocket port on');
  let changed = false;

  const ports = service.get('ports');
  if (ports !== undefined && !isSeq(ports)) throw new Error('docker-compose.yml: ports must be a list');
  const published = isSeq(ports)
    ? (ports as YAMLSeq).items.map((item) => (isScalar(item) ? item.value : item))
    : [];
  if (!published.some((p) => containerPort(p) === port)) {
    // Quoted: YAML 1.1 readers take an unquoted 22:22 for a base-60 number.
    const mapping = doc.createNode(`${port}:${port}`);
    mapping.type = 'QUOTE_DOUBLE';
    if (isSeq(ports)) (ports as YAMLSeq).add(mapping);
    else service.set('ports', doc.createNode([mapping]));
    changed = true;
  }

  const env = service.get('environment');
  if (isMap(env) && env.has('OPENCODE_TRANSPORT') && env.get('OPENCODE_TRANSPORT') !== 'websocket') {
    env.set('OPENCODE_TRANSPORT', 'websocket');
    changed = true;
  } else if (isSeq(env)) {
    (env as YAMLSeq).items.forEach((item, i) => {
      if (isScalar(item) && typeof item.value === 'string' && /^OPENCODE_TRANSPORT=/.test(item.value)) {
        if (item.value !== 'OPENCODE_TRANSPORT=websocket') {
          (env as YAMLSeq).set(i, doc.createNode('OPENCODE_TRANSPORT=websocket'));
          changed = true;
        }
      }
    });
  }
  return changed ? doc.toString() : text;
}
