// Supervises the one `opencode serve` the agents drive (or attaches to OPENCODE_URL): started on first use on a
// random loopback port with a random password, restarted when it dies, stopped with the server. One SSE
// subscription per server process, to opencode's global stream (every directory's events: each task works in its
// own worktree); its events are routed to the runs by session id.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { createOpencodeClient, type OpencodeClient } from '@opencode-ai/sdk/v2';
import type { Logger } from 'pino';
import { findOpencode } from './binary';
import { IdleInstances } from './idle-instances';

export type OpencodeState = 'idle' | 'starting' | 'ready' | 'restarting' | 'unavailable' | 'stopped';

/** What the admin view shows about the opencode server (never sent to people who are not admins). */
export interface OpencodeInfo {
  state: OpencodeState;
  attached: boolean;
  version: string | null;
  /** `provider/model` ids opencode reports, and the one it uses when none is given. */
  models: string[];
  defaultModel: string | null;
  lastError: string | null;
  startMs: number | null;
  pid: number | null;
  restarts: number;
}

/** An opencode event as it arrives on the SSE stream (typed loosely: only the fields the driver reads). */
export interface OpencodeEvent {
  type: string;
  // biome-ignore lint/suspicious/noExplicitAny: events are read defensively, field by field
  properties: Record<string, any>;
}

/** No coding agent can run: `detail` is for operators (admin view, log), never for the chat. */
export class OpencodeUnavailableError extends Error {
  constructor(readonly detail: string) {
    super(detail);
    this.name = 'OpencodeUnavailableError';
  }
}

export interface OpencodeServerOptions {
  projectRoot: string;
  logger: Logger;
  /** Attach to this server instead of starting one. */
  url?: string;
  env?: NodeJS.ProcessEnv;
  startTimeoutMs?: number;
  /** Attaching: the server's password (OPENCODE_SERVER_PASSWORD). Starting one: its password (default: random per start). */
  password?: string;
  /** Overrides the binary lookup (tests: a missing one). */
  binary?: string | null;
  /**
   * How long opencode keeps its instance for a task's worktree once no followed session works there (default 30 s):
   * then it is disposed. opencode keeps one per directory it has seen (watchers, LSP, file index: ~45 MB each), so
   * without this it grew by one per task until restarted. A follow-up in that worktree starts a new one (~1–2 s).
   */
  instanceIdleMs?: number;
}

const DEFAULT_INSTANCE_IDLE_MS = 30_000;

const USERNAME = 'opencode';

export class OpencodeServer {
  /** Where the server listens (loopback); not part of info(), which admins see. */
  baseUrl: string | null = null;
  private child: ChildProcess | null = null;
  private client: OpencodeClient | null = null;
  private starting: Promise<OpencodeClient> | null = null;
  private stopping = false;
  private subscription: AbortController | null = null;
  private readonly sessions = new Map<string, (event: OpencodeEvent) => void>();
  /** The directory each followed session works in (opencode's calls about a session name its directory). */
  private readonly directories = new Map<string, string>();
  private readonly instances: IdleInstances;
  private readonly downHandlers = new Set<(reason: string) => void>();
  private restartTimer: NodeJS.Timeout | null = null;
  private endpoints = new Map<string, string>();
  private backoffMs = 1000;
  private readonly state: OpencodeInfo = {
    state: 'idle',
    attached: false,
    version: null,
    models: [],
    defaultModel: null,
    lastError: null,
    startMs: null,
    pid: null,
    restarts: 0,
  };

  constructor(private readonly o: OpencodeServerOptions) {
    this.state.attached = Boolean(o.url);
    this.instances = new IdleInstances(o.instanceIdleMs ?? DEFAULT_INSTANCE_IDLE_MS, (dir) => {
      void this.disposeInstance(dir);
    });
  }

  info(): OpencodeInfo {
    return { ...this.state, models: [...this.state.models] };
  }

  /** The client of a running server, starting (or attaching to) it first. Throws OpencodeUnavailableError. */
  ready(): Promise<OpencodeClient> {
    if (this.client) return Promise.resolve(this.client);
    if (this.stopping) return Promise.reject(new OpencodeUnavailableError('the server is shutting down'));
    this.starting ??= this.start().finally(() => {
      this.starting = null;
    });
    return this.starting;
  }

  /** Where a provider is reached (its configured baseURL), for failure messages; null when opencode's default. */
  endpoint(providerID: string): string | null {
    return this.endpoints.get(providerID) ?? null;
  }

  /** Routes this session's events to `handler` until the returned function is called. */
  onSession(sessionID: string, handler: (event: OpencodeEvent) => void, directory?: string): () => void {
    this.sessions.set(sessionID, handler);
    if (directory) {
      const dir = resolve(directory);
      this.directories.set(sessionID, dir);
      this.instances.keep(dir);
    }
    return () => {
      if (this.sessions.get(sessionID) !== handler) return;
      this.sessions.delete(sessionID);
      const dir = this.directories.get(sessionID);
      this.directories.delete(sessionID);
      if (dir) this.releaseWhenIdle(dir);
    };
  }

  /** Once no followed session works in `dir` (a task's worktree, never the project root), its instance goes. */
  private releaseWhenIdle(dir: string): void {
    if (dir === resolve(this.o.projectRoot)) return;
    for (const other of this.directories.values()) if (other === dir) return;
    this.instances.idle(dir);
  }

  private async disposeInstance(dir: string): Promise<void> {
    const client = this.client;
    if (!client || this.stopping) return;
    try {
      const { error, response } = await client.instance.dispose({ directory: dir });
      if (error || !response?.ok) throw new Error(`HTTP ${response?.status ?? 'no response'}`);
      this.o.logger.debug({ directory: dir }, 'opencode instance of an idle worktree disposed');
    } catch (error) {
      this.o.logger.warn({ err: error, directory: dir }, 'could not dispose an idle opencode instance');
    }
  }

  /** The directory a followed session works in (the project root when not told otherwise). */
  directoryOf(sessionID: string): string {
    return this.directories.get(sessionID) ?? resolve(this.o.projectRoot);
  }

  /** Called when the server process dies (its sessions' work is lost with it). */
  onDown(handler: (reason: string) => void): () => void {
    this.downHandlers.add(handler);
    return () => this.downHandlers.delete(handler);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.instances.clear();
    this.subscription?.abort();
    await this.starting?.catch(() => {});
    this.client = null;
    const child = this.child;
    this.child = null;
    this.state.state = 'stopped';
    this.state.pid = null;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
  }

  /** Lets a stopped supervisor start again (the agents role came back to this instance). */
  resume(): void {
    this.stopping = false;
    if (this.state.state === 'stopped') this.state.state = 'idle';
  }

  private async start(): Promise<OpencodeClient> {
    this.state.state = this.state.restarts > 0 ? 'restarting' : 'starting';
    const began = Date.now();
    try {
      const { baseUrl, password } = this.o.url ? this.attachTarget() : await this.spawnServer();
      const headers: Record<string, string> = password
        ? { authorization: `Basic ${Buffer.from(`${USERNAME}:${password}`).toString('base64')}` }
        : {};
      this.baseUrl = baseUrl;
      const client = createOpencodeClient({ baseUrl, directory: resolve(this.o.projectRoot), headers });
      const health = await client.global.health();
      if (!health.data) {
        const status = health.response?.status;
        throw new OpencodeUnavailableError(
          status === 401
            ? 'opencode refused our password (HTTP 401): set OPENCODE_SERVER_PASSWORD to the server’s'
            : `opencode did not answer its health check (${status ?? 'no response'})`,
        );
      }
      this.state.version = health.data.version;
      await this.subscribe(client);
      await this.loadModels(client);
      this.state.startMs = Date.now() - began;
      this.state.state = 'ready';
      this.state.lastError = null;
      this.client = client;
      this.o.logger.info(
        { version: this.state.version, ms: this.state.startMs, attached: this.state.attached },
        'opencode server ready',
      );
      return client;
    } catch (error) {
      const reason = error instanceof OpencodeUnavailableError ? error.detail : (error as Error).message;
      const detail = this.o.url ? `could not reach the opencode server at ${this.o.url}: ${reason}` : reason;
      this.state.state = 'unavailable';
      this.state.lastError = detail;
      this.o.logger.error({ detail }, 'opencode server unavailable');
      this.subscription?.abort();
      this.killChild();
      throw new OpencodeUnavailableError(detail);
    }
  }

  private attachTarget(): { baseUrl: string; password: string | undefined } {
    return { baseUrl: this.o.url as string, password: this.o.password };
  }

  private async spawnServer(): Promise<{ baseUrl: string; password: string }> {
    const binary = this.o.binary === undefined ? findOpencode() : this.o.binary;
    if (!binary)
      throw new OpencodeUnavailableError(
        'opencode is not installed (npm install opencode-ai, or put opencode on PATH), and OPENCODE_URL is not set',
      );
    const port = await freePort();
    const password = this.o.password ?? randomBytes(24).toString('hex');
    const root = resolve(this.o.projectRoot);
    // opencode takes its directory from PWD before the process's cwd.
    const env = { ...(this.o.env ?? process.env), PWD: root, OPENCODE_SERVER_PASSWORD: password };
    const child = spawn(binary, ['serve', '--hostname=127.0.0.1', `--port=${port}`], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.state.pid = child.pid ?? null;
    let output = '';
    const listening = new Promise<string>((resolveUrl, reject) => {
      const timer = setTimeout(
        () =>
          reject(new OpencodeUnavailableError(`opencode serve did not start within ${this.timeoutMs()} ms`)),
        this.timeoutMs(),
      );
      const onData = (chunk: Buffer) => {
        output = (output + chunk.toString()).slice(-4000);
        const match = /listening on (https?:\/\/\S+)/.exec(output);
        if (match?.[1]) {
          clearTimeout(timer);
          resolveUrl(match[1]);
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(new OpencodeUnavailableError(`opencode could not be started: ${error.message}`));
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        const last = output.trim().split('\n').slice(-3).join(' ');
        reject(
          new OpencodeUnavailableError(`opencode serve exited (${code ?? signal}) while starting: ${last}`),
        );
      });
    });
    const baseUrl = await listening;
    child.stdout?.removeAllListeners('data');
    child.stderr?.removeAllListeners('data');
    // Drained so the pipes never fill; opencode's own log is in its XDG state directory.
    child.stdout?.resume();
    child.stderr?.resume();
    child.once('exit', (code, signal) =>
      this.onChildExit(child, `opencode serve exited (${code ?? signal})`),
    );
    return { baseUrl, password };
  }

  private timeoutMs(): number {
    return this.o.startTimeoutMs ?? 30_000;
  }

  /**
   * Subscribes to the global event stream and resolves once the server confirms it (no prompt can race it).
   * `/event` streams one directory's events only; `/global/event` wraps every directory's in `{ directory, payload }`.
   */
  private async subscribe(client: OpencodeClient): Promise<void> {
    const controller = new AbortController();
    this.subscription = controller;
    const { stream } = await client.global.event({ signal: controller.signal, sseMaxRetryAttempts: 0 });
    const iterator = unwrapped(stream as AsyncGenerator<GlobalFrame>)[Symbol.asyncIterator]();
    const first = await iterator.next();
    if (first.done) throw new OpencodeUnavailableError('opencode closed its event stream at once');
    void this.pump(client, iterator, controller);
  }

  private async pump(
    client: OpencodeClient,
    iterator: AsyncIterator<OpencodeEvent>,
    controller: AbortController,
  ): Promise<void> {
    try {
      for (;;) {
        const next = await iterator.next();
        if (next.done) break;
        const event = next.value;
        const sessionID = event.properties?.sessionID;
        if (typeof sessionID === 'string') this.sessions.get(sessionID)?.(event);
      }
    } catch (error) {
      if (!controller.signal.aborted) this.o.logger.warn({ err: error }, 'opencode event stream failed');
    }
    if (controller.signal.aborted || this.stopping || this.client !== client) return;
    // The stream ended but the server may still be there (attached): subscribe again.
    if (this.state.attached || this.child) {
      this.o.logger.warn('opencode event stream ended; subscribing again');
      await new Promise((r) => setTimeout(r, 500));
      if (this.client === client && !this.stopping)
        await this.subscribe(client).catch((error) =>
          this.lost(`opencode event stream lost: ${error.message}`),
        );
    }
  }

  private onChildExit(child: ChildProcess, reason: string): void {
    if (this.child !== child || this.stopping) return;
    this.child = null;
    this.lost(reason);
  }

  /** The server went away: the runs are told, and a new one starts after a back-off. */
  private lost(reason: string): void {
    this.client = null;
    this.subscription?.abort();
    this.state.lastError = reason;
    this.state.state = 'restarting';
    this.state.pid = null;
    this.o.logger.error({ reason }, 'opencode server lost; restarting it');
    for (const handler of this.downHandlers) handler(reason);
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, 30_000);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      this.state.restarts++;
      this.ready().then(
        () => {
          this.backoffMs = 1000;
        },
        () => {
          if (!this.stopping) this.lost(this.state.lastError ?? 'opencode did not start again');
        },
      );
    }, delay);
    this.restartTimer.unref();
  }

  private killChild(): void {
    const child = this.child;
    this.child = null;
    if (child && child.exitCode === null) child.kill('SIGKILL');
  }

  private async loadModels(client: OpencodeClient): Promise<void> {
    const [providers, config] = await Promise.all([client.config.providers(), client.config.get()]);
    const list = providers.data?.providers ?? [];
    this.endpoints = new Map(
      list.flatMap((p) => {
        const url = (p.options as { baseURL?: unknown } | undefined)?.baseURL;
        return typeof url === 'string' ? [[p.id, url] as const] : [];
      }),
    );
    this.state.models = list.flatMap((p) => Object.keys(p.models ?? {}).map((m) => `${p.id}/${m}`)).sort();
    const configured = (config.data as { model?: string } | undefined)?.model ?? null;
    const fallback = Object.entries(providers.data?.default ?? {})[0];
    this.state.defaultModel = configured ?? (fallback ? `${fallback[0]}/${fallback[1]}` : null);
  }
}

/** A frame of opencode's global event stream: a directory's event in `payload` (server frames may come bare). */
type GlobalFrame = (OpencodeEvent & { payload?: undefined }) | { directory?: string; payload: OpencodeEvent };

async function* unwrapped(stream: AsyncIterable<GlobalFrame>): AsyncGenerator<OpencodeEvent> {
  for await (const frame of stream) yield frame.payload ?? (frame as OpencodeEvent);
}

/** A free loopback port (opencode's `--port=0` tries 4096 first, which another server may hold). */
async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}
