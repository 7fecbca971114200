#!/usr/bin/env node
// Writes what deploy/compose.yaml reads from files, into RUNNERLY_SECRETS_DIR (default
// deploy/secrets, git-ignored): generated secrets (kept when present, mode 0600) and the
// gateway's configuration for the ports and host names in the environment (rewritten each time).
//   node deploy/compose/prepare.mjs
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const deployDir = fileURLToPath(new URL('..', import.meta.url));
const dir = resolve(deployDir, process.env.RUNNERLY_SECRETS_DIR ?? 'secrets');
mkdirSync(dir, { recursive: true, mode: 0o700 });

const gatewayPort = process.env.GATEWAY_PORT ?? '8080';
const tokenDealerPort = process.env.TOKENDEALER_PORT ?? '5001';
const issuerHost = process.env.TOKENDEALER_HOSTNAME ?? 'tokendealer.localhost';
const publicUrl = process.env.PUBLIC_URL ?? `http://127.0.0.1:${gatewayPort}`;
const issuer = `http://${issuerHost}:${tokenDealerPort}`;

// Mode 0644 inside a 0700 folder: Compose v1 bind-mounts each file as it is, and the services run
// as an unprivileged user who must read it; on the host only the folder's owner gets in.
function keep(name, make) {
  const file = join(dir, name);
  if (!existsSync(file)) writeFileSync(file, `${make()}\n`, { mode: 0o644 });
}

const base64url = (bytes) => randomBytes(bytes).toString('base64url');
keep('postgres_password', () => base64url(24));
keep('tokendealer_master_secret', () => base64url(32));
keep('strava_token_key', () => randomBytes(32).toString('base64'));
keep('dashboard_session_key', () => randomBytes(32).toString('base64'));
// The sandbox's own application (a real Strava application's secret goes here instead).
keep('strava_client_secret', () => 'sandbox-secret');

// One schema per service in one database; the password is the one above.
const password = readFileSync(join(dir, 'postgres_password'), 'utf8').trim();
for (const service of ['tokendealer', 'dataservice', 'strava', 'plans', 'reports', 'dashboard']) {
  const url = new URL(`postgres://runnerly@postgres:5432/runnerly`);
  url.password = password;
  url.searchParams.set('options', `-c search_path=runnerly_${service}`);
  writeFileSync(join(dir, `${service}_db`), `${url}\n`, { mode: 0o644 });
}

const route = (prefix, upstreams, extra = {}) => ({
  prefix,
  upstream: upstreams,
  limits: [{ type: 'rate', rate: '200r/s', burst: 100, key: 'ip' }],
  ...extra,
});
const api = { auth: { issuer, audience: `${publicUrl}/api`, scopes: [], realm: 'runnerly' } };
const gateway = {
  listen: { host: '0.0.0.0', port: 8080 },
  store: { type: 'redis', url: 'redis://redis:6379', onError: 'local', keyPrefix: 'runnerly:gateway:' },
  rejectStatus: 429,
  logLevel: 'info',
  routes: [
    route('/api/data/', ['http://dataservice-1:5002', 'http://dataservice-2:5002'], { ...api, maxBodyBytes: 64 * 1024 * 1024 }),
    route('/api/strava/', ['http://strava:5003'], api),
    route('/strava/', ['http://strava:5003']),
    route('/api/plans/', ['http://plans:5005'], api),
    route('/api/reports/', ['http://reports:5004'], api),
    route('/', ['http://dashboard:5000'], { maxBodyBytes: 64 * 1024 * 1024 }),
  ],
};
writeFileSync(join(dir, 'gateway.json'), `${JSON.stringify(gateway, null, 2)}\n`, { mode: 0o644 });
process.stdout.write(`wrote the secrets and gateway.json for ${publicUrl} (issuer ${issuer})\n`);
