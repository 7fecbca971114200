// kill -9 of one instance of the data service, of TokenDealer and of a public gateway, each while a
// bounded load runs through the gateways: no request fails beyond those in flight on the killed
// instance (the gateways send idempotent requests to the other upstream and mark the dead one
// down), nothing stored is lost, and the restarted instance serves again once its cooldown is over.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCluster, type Cluster } from '../src/cluster.js';
import { runLoad, statusesByPhase, type InFlight, type Outcome } from '../src/load.js';
import { signInTokens, tokenRequest } from '../src/oauth-flow.js';
import { startPrivatePostgres, type PrivatePostgres } from '../src/private-postgres.js';
import type { ServiceProcess } from '../src/service-process.js';
import { tokenDealerCli } from '../src/tokendealer-cli.js';
import { allRunIds, runBody, servedRequests, sleep, viaGateways } from './support/requests.js';

const COOLDOWN_MS = 3000;
/** Bounded: at most this many requests or this long, whichever comes first (the test stops it sooner). */
const LOAD = { workers: 6, ratePerSecond: 80, maxRequests: 20_000, maxDurationMs: 150_000, timeoutMs: 10_000 };
/** Load before the kill, with the instance down, and after its cooldown. */
const BEFORE_MS = 1500;
const DOWN_MS = 2000;
const AFTER_MS = 1500;

let postgres: PrivatePostgres;
let cluster: Cluster;
let accessToken: string;
/** One refresh token chain per worker, as separate dashboard sessions hold them. */
const refreshTokens: string[] = [];

before(async () => {
  postgres = await startPrivatePostgres();
  cluster = await startCluster({ postgres, cooldownMs: COOLDOWN_MS });
  for (let i = 0; i < LOAD.workers; i++) {
    const tokens = await signInTokens(cluster.issuer, cluster.webApp, cluster.runner.email, cluster.runner.password);
    refreshTokens.push(tokens.refreshToken);
    accessToken = tokens.accessToken;
  }
});
after(async () => {
  await cluster?.stop();
  await postgres?.close();
});

const originOf = (part: ServiceProcess): string => new URL(part.readyUrl).origin;

/**
 * Runs the load through a kill: `before`; `killing` from just before kill -9 of `victim` until it
 * has exited; `down`; `restarting` until it is ready again; `restarted` during the gateways'
 * cooldown; `after` it. Returns the outcomes and the requests that were in flight when the process
 * died: those in flight just before the kill and those started until it had exited.
 */
async function throughKill(victim: ServiceProcess, step: Parameters<typeof runLoad>[1]): Promise<{ outcomes: Outcome[]; inFlightAtKill: InFlight[]; restartMs: number }> {
  let phase = 'before';
  const load = runLoad({ ...LOAD, phase: () => phase }, step);
  await sleep(BEFORE_MS);
  phase = 'killing';
  const inFlightBefore = load.inFlight().map((entry) => ({ ...entry }));
  await victim.kill9();
  phase = 'down';
  await sleep(DOWN_MS);
  phase = 'restarting';
  const restartAt = performance.now();
  await victim.start();
  const restartMs = Math.round(performance.now() - restartAt);
  phase = 'restarted';
  await sleep(COOLDOWN_MS);
  phase = 'after';
  await sleep(AFTER_MS);
  load.stop();
  const outcomes = await load.done;
  return { outcomes, restartMs, inFlightAtKill: [...inFlightBefore, ...outcomes.filter((outcome) => outcome.phase === 'killing')] };
}

/** Failures allowed: requests in flight when the instance died. */
const atKill = (outcome: Outcome): boolean => outcome.phase === 'before' || outcome.phase === 'killing';

const bearer = (): Record<string, string> => ({ authorization: `Bearer ${accessToken}` });

describe('kill -9 of one instance under load', () => {
  it('a data service instance: reads never fail, a write fails only if it was in flight there, no run is lost', async (t) => {
    const before = await allRunIds(cluster.gatewayUrls[0]!, accessToken);
    const created = new Set<string>();
    const victim = cluster.dataServices[0]!;
    const { outcomes, inFlightAtKill, restartMs } = await throughKill(victim, async (worker, index, signal, track) => {
      const gateway = index % 2;
      if (index % 3 === 0) {
        const sent = await viaGateways(cluster.gatewayUrls, gateway, { label: 'POST run', method: 'POST', path: '/api/data/users/me/runs', headers: { ...bearer(), 'content-type': 'application/json' }, body: runBody(index) }, signal, track);
        if (sent.status === 201) created.add((JSON.parse(sent.body) as { id: string }).id);
        return sent;
      }
      return viaGateways(cluster.gatewayUrls, gateway, { label: 'GET runs', method: 'GET', path: '/api/data/users/me/runs?limit=20', headers: bearer() }, signal, track);
    });
    const table = statusesByPhase(outcomes);
    t.diagnostic(`statuses by phase ${JSON.stringify(table)}; in flight at the kill ${inFlightAtKill.length}; ready again ${restartMs} ms after the restart`);
    const reads = outcomes.filter((outcome) => outcome.label === 'GET runs');
    const writes = outcomes.filter((outcome) => outcome.label === 'POST run');
    assert.deepEqual(reads.filter((outcome) => outcome.status !== 200), [], JSON.stringify(table));
    const failedWrites = writes.filter((outcome) => outcome.status !== 201);
    // A write the dead instance had taken is answered 502 (never sent twice); no other failure.
    assert.deepEqual(failedWrites.filter((outcome) => outcome.status !== 502 || !atKill(outcome)), [], JSON.stringify(table));
    const writesInFlight = inFlightAtKill.filter((entry) => entry.label === 'POST run').length;
    assert.ok(failedWrites.length <= writesInFlight, `${failedWrites.length} writes failed, ${writesInFlight} were in flight at the kill: ${JSON.stringify(table)}`);
    assert.ok(writes.length > 50 && reads.length > 100, JSON.stringify(table));

    // Every acknowledged run is there; a failed write may or may not have been stored before the kill.
    const afterIds = await allRunIds(cluster.gatewayUrls[0]!, accessToken);
    for (const id of created) assert.ok(afterIds.has(id), `run ${id} was acknowledged and is gone`);
    const stored = afterIds.size - before.size;
    assert.ok(stored >= created.size && stored <= created.size + failedWrites.length, `${stored} runs stored, ${created.size} acknowledged, ${failedWrites.length} failed`);

    // Rejoined: the restarted instance served requests of the load's last phase.
    assert.ok((await servedRequests(originOf(victim), 'http_server_request_duration_seconds_count')) > 0, 'the restarted data service got no requests');
  });

  it('a TokenDealer instance: metadata and keys never fail, token requests only if in flight there; no client, key or refresh token is lost', async (t) => {
    const env = cluster.tokenDealerEnv;
    const counts = async (): Promise<number[]> =>
      Promise.all([['clients', 'list'], ['keys', 'list'], ['users', 'list']].map(async (args) => (await tokenDealerCli<unknown[]>(env, args)).length));
    const countsBefore = await counts();
    const service = cluster.serviceClient;
    const serviceAuth = `Basic ${Buffer.from(`${service.clientId}:${service.clientSecret}`).toString('base64')}`;
    const appAuth = `Basic ${Buffer.from(`${cluster.webApp.clientId}:${cluster.webApp.clientSecret}`).toString('base64')}`;
    const form = 'application/x-www-form-urlencoded';
    const victim = cluster.tokenDealers[0]!;
    const { outcomes, inFlightAtKill, restartMs } = await throughKill(victim, async (worker, index, signal, track) => {
      const gateway = index % 2;
      switch (index % 4) {
        case 0: {
          const sent = await viaGateways(
            cluster.gatewayUrls,
            gateway,
            { label: 'POST refresh', method: 'POST', path: '/oauth/token', headers: { 'content-type': form, authorization: appAuth }, body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshTokens[worker]! }).toString() },
            signal,
            track,
          );
          if (sent.status === 200) refreshTokens[worker] = (JSON.parse(sent.body) as { refresh_token: string }).refresh_token;
          return sent;
        }
        case 1:
          return viaGateways(
            cluster.gatewayUrls,
            gateway,
            { label: 'POST client_credentials', method: 'POST', path: '/oauth/token', headers: { 'content-type': form, authorization: serviceAuth }, body: 'grant_type=client_credentials&scope=runs%3Aread%3Aall&audience=runnerly-data' },
            signal,
            track,
          );
        case 2:
          return viaGateways(cluster.gatewayUrls, gateway, { label: 'GET metadata', method: 'GET', path: '/.well-known/openid-configuration' }, signal, track);
        default:
          return viaGateways(cluster.gatewayUrls, gateway, { label: 'GET jwks', method: 'GET', path: '/.well-known/jwks.json' }, signal, track);
      }
    });
    const table = statusesByPhase(outcomes);
    t.diagnostic(`statuses by phase ${JSON.stringify(table)}; in flight at the kill ${inFlightAtKill.length}; ready again ${restartMs} ms after the restart`);
    const gets = outcomes.filter((outcome) => outcome.label.startsWith('GET'));
    const posts = outcomes.filter((outcome) => outcome.label.startsWith('POST'));
    assert.deepEqual(gets.filter((outcome) => outcome.status !== 200), [], JSON.stringify(table));
    const failedPosts = posts.filter((outcome) => outcome.status !== 200);
    assert.deepEqual(failedPosts.filter((outcome) => outcome.status !== 502 || !atKill(outcome)), [], JSON.stringify(table));
    const postsInFlight = inFlightAtKill.filter((entry) => entry.label.startsWith('POST')).length;
    assert.ok(failedPosts.length <= postsInFlight, `${failedPosts.length} token requests failed, ${postsInFlight} were in flight at the kill: ${JSON.stringify(table)}`);
    assert.ok(posts.length > 50 && gets.length > 50, JSON.stringify(table));

    // Every session's refresh token still works, on either instance; nothing registered is gone.
    for (const [worker, token] of refreshTokens.entries()) {
      const refreshed = await tokenRequest(cluster.gatewayUrls[worker % 2]!, cluster.webApp, { grant_type: 'refresh_token', refresh_token: token });
      assert.equal(refreshed.status, 200, `session ${worker}: ${JSON.stringify(refreshed.body)}`);
      refreshTokens[worker] = refreshed.body.refresh_token!;
    }
    assert.deepEqual(await counts(), countsBefore);
    assert.ok((await servedRequests(originOf(victim), 'http_server_request_duration_seconds_count')) > 0, 'the restarted TokenDealer got no requests');
  });

  it('a public gateway: only the requests in flight on it fail (cut connections), and it serves again once restarted', async (t) => {
    const victim = cluster.gateways[1]!;
    const victimUrl = cluster.gatewayUrls[1]!;
    const { outcomes, inFlightAtKill, restartMs } = await throughKill(victim, async (_worker, index, signal, track) =>
      viaGateways(cluster.gatewayUrls, index % 2, { label: 'GET runs', method: 'GET', path: '/api/data/users/me/runs?limit=20', headers: bearer() }, signal, track),
    );
    const table = statusesByPhase(outcomes);
    t.diagnostic(`statuses by phase ${JSON.stringify(table)}; in flight at the kill ${inFlightAtKill.length}; ready again ${restartMs} ms after the restart`);
    const failed = outcomes.filter((outcome) => outcome.status !== 200);
    // A cut connection is no HTTP answer (status 0): never a 5xx, never a hang.
    assert.deepEqual(failed.filter((outcome) => outcome.status !== 0 || outcome.error === 'timeout' || outcome.target !== victimUrl || !atKill(outcome)), [], JSON.stringify(table));
    const inFlightThere = inFlightAtKill.filter((entry) => entry.target === victimUrl).length;
    assert.ok(failed.length <= inFlightThere, `${failed.length} failed, ${inFlightThere} were in flight on the killed gateway: ${JSON.stringify(table)}`);
    const servedByRestarted = outcomes.filter((outcome) => outcome.target === victimUrl && outcome.status === 200 && outcome.phase === 'after');
    assert.ok(servedByRestarted.length > 10, `the restarted gateway answered ${servedByRestarted.length} requests`);
  });
});
