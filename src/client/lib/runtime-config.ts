// Finds the tRPC WebSocket URL at run time: a build-time VITE_WS_URL wins, else the server's /config.json.
import type { ClientConfig } from '../../server/http/client-config';

export type { ClientConfig };

export interface PageLocation {
  protocol: string;
  hostname: string;
  host: string;
}

/** The WebSocket URL for a config, relative to the page the client was loaded from. */
export function resolveWsUrl(config: ClientConfig, page: PageLocation, override?: string): string {
  if (override) return override;
  const scheme = page.protocol === 'https:' ? 'wss:' : 'ws:';
  if (config.ws.sameOrigin) return `${scheme}//${page.host}${config.ws.path}`;
  const hostname = page.hostname.includes(':') ? `[${page.hostname}]` : page.hostname;
  return `${scheme}//${hostname}:${config.ws.port}${config.ws.path}`;
}

export function configUrl(apiBase: string | undefined): string {
  return `${(apiBase ?? '').replace(/\/+$/, '')}/config.json`;
}

export async function loadClientConfig(apiBase: string | undefined): Promise<ClientConfig> {
  const res = await fetch(configUrl(apiBase), { cache: 'no-store' });
  if (!res.ok) throw new Error(`could not load ${configUrl(apiBase)}: HTTP ${res.status}`);
  return (await res.json()) as ClientConfig;
}
