#!/usr/bin/env node
// The compose system's one-shot job: registers in TokenDealer, through its command line, the OAuth
// clients the services use (as `npm start` does), and writes each id and secret to a file in
// CLIENTS_DIR, the volume the services read them from (NAME_FILE). Run again, it keeps a client
// whose file is there, that TokenDealer still has and whose spec is unchanged, and registers the
// others again.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);
const dir = process.env.CLIENTS_DIR ?? '/var/lib/runnerly/clients';
const publicUrl = process.env.PUBLIC_URL;
if (!publicUrl) throw new Error('PUBLIC_URL is required');
const publicApi = `${publicUrl}/api`;
const dashboardScopes = 'openid profile email runs:read runs:write races:read races:write plans:read plans:write reports:read strava';

const specs = [
  {
    key: 'reports-service',
    args: ['--grant-types', 'client_credentials', '--scope', 'runs:read:all plans:read:all', '--audience', 'runnerly-data', '--audience', 'runnerly-plans'],
  },
  { key: 'dashboard-service', args: ['--grant-types', 'client_credentials', '--scope', 'users:email', '--audience', 'runnerly-data'] },
  { key: 'strava-service', args: ['--grant-types', 'client_credentials', '--scope', 'runs:import', '--audience', 'runnerly-data'] },
  {
    key: 'dashboard',
    args: [
      '--grant-types', 'authorization_code,refresh_token', '--scope', dashboardScopes, '--audience', publicApi,
      '--redirect-uri', `${publicUrl}/auth/callback`, '--post-logout-redirect-uri', `${publicUrl}/`, '--first-party',
    ],
  },
];

// A busy host can make a connection to PostgreSQL time out: a command is tried up to five times.
async function tokendealer(args) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const { stdout } = await run(process.execPath, ['packages/tokendealer/bin/tokendealer.js', ...args], { maxBuffer: 16 * 1024 * 1024 });
      return JSON.parse(stdout);
    } catch (error) {
      if (attempt === 5 || !/timeout|ECONNREFUSED|ECONNRESET/i.test(String(error.stderr ?? error))) throw error;
      process.stderr.write(`tokendealer ${args.slice(0, 2).join(' ')} failed (${attempt}/5), retrying: ${String(error.stderr ?? '').trim()}\n`);
      await sleep(2000 * attempt);
    }
  }
}

function writeSecretFile(name, value) {
  // Written whole then renamed: a service never reads half a secret.
  const file = join(dir, name);
  writeFileSync(`${file}.partial`, `${value}\n`, { mode: 0o640 });
  renameSync(`${file}.partial`, file);
}

const existing = new Set((await tokendealer(['clients', 'list'])).map((client) => client.client_id));
for (const spec of specs) {
  const idFile = join(dir, `${spec.key}.id`);
  const specFile = join(dir, `${spec.key}.spec`);
  const known = existsSync(idFile) ? readFileSync(idFile, 'utf8').trim() : undefined;
  // A client registered from another spec (a grant added since) is registered again, the old one deleted.
  const sameSpec = existsSync(specFile) && readFileSync(specFile, 'utf8').trim() === JSON.stringify(spec.args);
  if (known !== undefined && existing.has(known) && sameSpec) continue;
  const created = await tokendealer(['clients', 'create', '--name', `runnerly ${spec.key}`, ...spec.args]);
  writeSecretFile(`${spec.key}.secret`, created.client_secret ?? '');
  writeSecretFile(`${spec.key}.id`, created.client_id);
  writeSecretFile(`${spec.key}.spec`, JSON.stringify(spec.args));
  if (known !== undefined && existing.has(known)) await tokendealer(['clients', 'delete', known]);
  process.stdout.write(`registered ${spec.key} as ${created.client_id}\n`);
}
process.stdout.write('OAuth clients ready\n');
