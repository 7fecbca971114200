// Key rotation across instances with zero rejected tokens: two TokenDealer instances on one
// database behind a round-robin balancer (the issuer URL), both issuing tokens without pause, and
// a resource server's guard (JWKS cached, refetched on an unknown kid) verifying every one of
// them, while the signing keys rotate twice, once on each instance.
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { sql } from 'kysely';
import { openDatabase, type DatabaseHandle } from '@runnerly/database';
import { createVerifier, JwksKeySource, type AccessTokenVerifier } from '@runnerly/guard';
import { startServer, type RunningServer } from '../src/server.js';
import { MIN_NEXT_KEY_AGE_SECONDS } from '../src/keys/key-rotation.js';
import { BACKENDS } from './helpers/databases.js';
import { basic, decodePart, form, startTestServer, TEST_SCRYPT, type TestServer } from './helpers/test-server.js';
import { testKeyPairs } from './helpers/test-key-pairs.js';

/** A load balancer in front of the instances: each request goes to the next upstream in turn. */
async function roundRobin(): Promise<{ url: string; upstreams: string[]; close(): Promise<void> }> {
  const upstreams: string[] = [];
  let turn = 0;
  const server: Server = createServer((incoming, outgoing) => {
    const target = new URL(incoming.url ?? '/', upstreams[turn++ % upstreams.length]);
    const forwarded = httpRequest(target, { method: incoming.method, headers: { ...incoming.headers, host: target.host } }, (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    });
    forwarded.on('error', () => outgoing.writeHead(502).end());
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    upstreams,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

for (const backend of BACKENDS) {
  describe(`signing key rotation across two instances (${backend.name})`, () => {
    let balancer: Awaited<ReturnType<typeof roundRobin>>;
    let first: TestServer;
    let second: RunningServer;
    let database: DatabaseHandle<unknown>;
    let verifier: AccessTokenVerifier;
    let client: { client_id: string; client_secret: string };
    let addresses: string[];

    before(async () => {
      balancer = await roundRobin();
      // Each instance's own address (its `url` is the issuer: the balancer's).
      addresses = [`http://127.0.0.1:${await freePort()}`, `http://127.0.0.1:${await freePort()}`];
      first = await startTestServer(backend, { issuer: balancer.url, port: Number(new URL(addresses[0]!).port) });
      second = await startServer({ ...first.tokenDealer.config, port: Number(new URL(addresses[1]!).port) }, pino({ level: 'silent' }), { scrypt: TEST_SCRYPT, generateKeyPair: testKeyPairs });
      balancer.upstreams.push(...addresses);
      database = openDatabase(first.database.url);
      client = await first.createClient({ scopes: ['runs:read'], audiences: ['https://api.runnerly.io'] });
      await second.tokenDealer.sync();
      // The guard as services use it: the key set cached, refetched on an unknown kid at most once
      // per cooldown (5 s by default; 1 s here, as the rotations below come seconds apart where
      // production's come at least MIN_NEXT_KEY_AGE_SECONDS apart). No verified-token cache: every
      // token is checked against the keys.
      verifier = createVerifier({
        issuer: balancer.url,
        audience: 'https://api.runnerly.io',
        cacheSize: 0,
        keySource: new JwksKeySource({ issuer: balancer.url, cooldownMs: 1000 }),
      });
    });

    after(async () => {
      await database?.close();
      await second?.close();
      await first?.stop();
      await balancer?.close();
    });

    /** What an operator's clock would show MIN_NEXT_KEY_AGE_SECONDS later: the next key has been published that long. */
    async function agePublishedNextKeys(): Promise<void> {
      await sql`update signing_keys set created_at = created_at - ${MIN_NEXT_KEY_AGE_SECONDS + 1} where state = 'next'`.execute(database.db);
    }

    it('rejects no token while the keys rotate on one instance and then on the other', async (t) => {
      const instances = addresses;
      const rejected: string[] = [];
      const kids = new Set<string>();
      let verified = 0;
      let issuing = true;
      // Tokens issued before the rotations, verified again after them: the retired key stays published.
      const early: string[] = [];

      async function issueAndVerify(address: string): Promise<void> {
        while (issuing) {
          const response = await fetch(`${address}/oauth/token`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(client.client_id, client.client_secret) },
            body: form({ grant_type: 'client_credentials', scope: 'runs:read' }),
          });
          assert.equal(response.status, 200);
          const token = ((await response.json()) as { access_token: string }).access_token;
          kids.add(decodePart(token, 0).kid as string);
          if (early.length < 20) early.push(token);
          try {
            await verifier.verify(token, { scopes: ['runs:read'] });
            verified++;
          } catch (error) {
            rejected.push(`${decodePart(token, 0).kid as string}: ${(error as Error).message}`);
          }
        }
      }

      const load = instances.flatMap((address) => [issueAndVerify(address), issueAndVerify(address)]);
      try {
        while (verified < 10) await pause(50);
        const initialKids = new Set(kids);
        // Rotation on the first instance: it signs with the key published since the start at once,
        // the second learns of it at its next poll and signs with the retired key until then.
        await agePublishedNextKeys();
        const one = await first.tokenDealer.rotateKeys();
        await pause(1500);
        // Rotation on the second instance: the guard has never seen this next key (it was
        // published after its last fetch, more than a cooldown ago), so the first token signed
        // with it makes it refetch, through the balancer from either instance.
        await agePublishedNextKeys();
        const two = await second.tokenDealer.rotateKeys();
        await pause(1500);
        issuing = false;
        await Promise.all(load);
        assert.deepEqual([...new Set(rejected)], [], `no token rejected (${rejected.length}; rotations ${JSON.stringify([one, two])}; initial ${[...initialKids].join()})`);
        assert.ok(verified > 40, `${verified} tokens verified`);
        t.diagnostic(`${verified} tokens issued by two instances and verified, ${rejected.length} rejected, over two rotations`);
        // Three signing keys in turn: the first, the one published at start, the one published at the first rotation.
        for (const kid of [...one.activated, ...two.activated]) assert.ok(!initialKids.has(kid));
        const accessKids = [...initialKids, ...one.activated, ...two.activated].filter((kid) => kids.has(kid));
        assert.equal(accessKids.length, 3, `tokens signed by ${[...kids].join(', ')}`);
        for (const token of early) await verifier.verify(token, { scopes: ['runs:read'] });
      } finally {
        issuing = false;
        await Promise.allSettled(load);
      }
    });
  });
}

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
