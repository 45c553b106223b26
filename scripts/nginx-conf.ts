// Renders deploy/nginx.conf.template: `npm run nginx:conf -- [--listen 80] [--http 127.0.0.1:8080] [--ws …]
// [--client-root DIR] [--out FILE]`. With no flags it prints the production default kept in deploy/nginx.conf.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export const TEMPLATE = resolve(dirname(fileURLToPath(import.meta.url)), '../deploy/nginx.conf.template');

export interface NginxValues {
  OCS_LISTEN: string;
  OCS_HTTP_UPSTREAM: string;
  OCS_WS_UPSTREAM: string;
  OCS_CLIENT_ROOT: string;
  OCS_NGINX_RUN: string;
  OCS_NGINX_LOG: string;
  OCS_NGINX_VAR: string;
}

export const PRODUCTION_NGINX: NginxValues = {
  OCS_LISTEN: '80',
  OCS_HTTP_UPSTREAM: '127.0.0.1:8080',
  OCS_WS_UPSTREAM: '127.0.0.1:8765',
  OCS_CLIENT_ROOT: '/srv/opencode-slack/dist/client',
  OCS_NGINX_RUN: '/run',
  OCS_NGINX_LOG: '/var/log/nginx',
  OCS_NGINX_VAR: '/var/lib/nginx',
};

/** Fills ${OCS_*} placeholders; nginx's own $variables are left alone. An unknown placeholder is an error. */
export function renderNginxConf(template: string, values: NginxValues): string {
  return template.replace(/\$\{(OCS_[A-Z_]+)\}/g, (_, name: string) => {
    const value = (values as unknown as Record<string, string | undefined>)[name];
    if (value === undefined) throw new Error(`nginx template: no value for \${${name}}`);
    return value;
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      listen: { type: 'string' },
      http: { type: 'string' },
      ws: { type: 'string' },
      'client-root': { type: 'string' },
      out: { type: 'string' },
    },
  });
  const conf = renderNginxConf(readFileSync(TEMPLATE, 'utf8'), {
    ...PRODUCTION_NGINX,
    ...(values.listen && { OCS_LISTEN: values.listen }),
    ...(values.http && { OCS_HTTP_UPSTREAM: values.http }),
    ...(values.ws && { OCS_WS_UPSTREAM: values.ws }),
    ...(values['client-root'] && { OCS_CLIENT_ROOT: values['client-root'] }),
  });
  if (values.out) writeFileSync(values.out, conf);
  else process.stdout.write(conf);
}
