// Provisioning through TokenDealer's real command line on a SQLite file: a client is registered
// once, and again (its predecessor deleted) when its spec names a scope or audience it lacks.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { it } from 'node:test';
import { ensureClients, type ClientSpec } from '../src/provision.js';
import { SecretsFile } from '../src/secrets-file.js';
import { TokenDealerCli } from '../src/tokendealer-cli.js';

const TOKENDEALER_BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../../tokendealer/bin/tokendealer.js');

it('registers the reports client again, with the plans grant, for an installation from before it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'launcher-provision-'));
  try {
    const secrets = new SecretsFile(dir);
    const cli = new TokenDealerCli(TOKENDEALER_BIN, { TOKENDEALER_DB: `sqlite:${join(dir, 'tokendealer.sqlite')}`, TOKENDEALER_MASTER_SECRET: secrets.secrets.masterSecret, TOKENDEALER_LOG_LEVEL: 'silent' });
    const before: ClientSpec = { key: 'reports-service', args: ['--grant-types', 'client_credentials', '--scope', 'runs:read:all', '--audience', 'runnerly-data'] };
    const now: ClientSpec = { key: 'reports-service', args: ['--grant-types', 'client_credentials', '--scope', 'runs:read:all plans:read:all', '--audience', 'runnerly-data', '--audience', 'runnerly-plans'] };
    const listed = () => cli.json<{ client_id: string; scope: string; audiences: string[] }[]>(['clients', 'list']);

    await ensureClients(cli, secrets, [before]);
    const old = secrets.secrets.clients['reports-service']!;
    await ensureClients(cli, secrets, [before]);
    assert.deepEqual(secrets.secrets.clients['reports-service'], old, 'a client with its grants is left alone');

    await ensureClients(cli, secrets, [now]);
    const renewed = secrets.secrets.clients['reports-service']!;
    assert.notEqual(renewed.client_id, old.client_id);
    assert.ok(renewed.client_secret && renewed.client_secret !== old.client_secret);
    const clients = await listed();
    assert.deepEqual(clients.map((client) => [client.client_id, client.scope, client.audiences]), [[renewed.client_id, 'runs:read:all plans:read:all', ['runnerly-data', 'runnerly-plans']]], 'the old client is gone');

    await ensureClients(cli, secrets, [now]);
    assert.deepEqual(secrets.secrets.clients['reports-service'], renewed);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
