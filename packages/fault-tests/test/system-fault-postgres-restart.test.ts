// PostgreSQL restarted under load (a private server: stopped with pg_ctl -m fast, started again):
// while it is down, requests that need it are answered 503 with Retry-After (never 500, never left
// hanging), readiness fails, and everything answers again within seconds of its return; no
// acknowledged run is lost.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCluster, type Cluster } from '../src/cluster.js';
import { runLoad, statusesByPhase, type Outcome } from '../src/load.js';
import { signInTokens, tokenRequest } from '../src/oauth-flow.js';
import { startPrivatePostgres, type PrivatePostgres } from '../src/private-postgres.js';
import { allRunIds, runBody, sleep, viaGateways } from './support/requests.js';

const LOAD = { workers: 6, ratePerSecond: 60, maxRequests: 20_000, maxDurationMs: 150_000, timeoutMs: 15_000 };
const BEFORE_MS = 2000;
const DOWN_MS = 4000;
const AFTER_MS = 8000;
/** Every request started this long after PostgreSQL is back must succeed. */
const RECOVERY_BOUND_MS = 5000;

let postgres: PrivatePostgres;
let cluster: Cluster;
let accessToken: string;
/** One refresh token chain per worker, as separate sessions hold them (a chain refreshed twice at once is revoked as reuse). */
const refreshTokens: string[] = [];

before(async () => {
  postgres = await startPrivatePostgres();
  cluster = await startCluster({ postgres });
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

const form = 'application/x-www-form-urlencoded';

describe('PostgreSQL restarted under load', () => {
  it('answers 503 with Retry-After while it is down (never 500, never a hang) and recovers within seconds', async (t) => {
    const idsBefore = await allRunIds(cluster.gatewayUrls[0]!, accessToken);
    const created = new Set<string>();
    const retryAfter = new Map<string, number>();
    /** The body of a 503 of each kind of request. */
    const unavailableBodies = new Map<string, Record<string, unknown>>();
    const bearer = { authorization: `Bearer ${accessToken}` };
    const service = cluster.serviceClient;
    const serviceAuth = `Basic ${Buffer.from(`${service.clientId}:${service.clientSecret}`).toString('base64')}`;
    const appAuth = `Basic ${Buffer.from(`${cluster.webApp.clientId}:${cluster.webApp.clientSecret}`).toString('base64')}`;
    let phase = 'before';
    let backAt = 0;
    const load = runLoad({ ...LOAD, phase: () => phase }, async (worker, index, signal, track) => {
      const gateway = index % 2;
      let sent;
      switch (index % 4) {
        case 0:
          sent = await viaGateways(cluster.gatewayUrls, gateway, { label: 'POST run', method: 'POST', path: '/api/data/users/me/runs', headers: { ...bearer, 'content-type': 'application/json' }, body: runBody(index) }, signal, track);
          if (sent.status === 201) created.add((JSON.parse(sent.body) as { id: string }).id);
          break;
        case 1:
          sent = await viaGateways(cluster.gatewayUrls, gateway, { label: 'GET runs', method: 'GET', path: '/api/data/users/me/runs?limit=20', headers: bearer }, signal, track);
          break;
        case 2:
          sent = await viaGateways(
            cluster.gatewayUrls,
            gateway,
            { label: 'POST client_credentials', method: 'POST', path: '/oauth/token', headers: { 'content-type': form, authorization: serviceAuth }, body: 'grant_type=client_credentials&scope=runs%3Aread%3Aall&audience=runnerly-data' },
            signal,
            track,
          );
          break;
        default:
          // Refreshed and kept, as a session does: a refresh that failed leaves the token as it was.
          sent = await viaGateways(
            cluster.gatewayUrls,
            gateway,
            { label: 'POST refresh', method: 'POST', path: '/oauth/token', headers: { 'content-type': form, authorization: appAuth }, body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshTokens[worker]! }).toString() },
            signal,
            track,
          );
          if (sent.status === 200) refreshTokens[worker] = (JSON.parse(sent.body) as { refresh_token: string }).refresh_token;
      }
      if (sent.status === 503) {
        retryAfter.set(sent.label, Number(sent.headers.get('retry-after')));
        unavailableBodies.set(sent.label, JSON.parse(sent.body) as Record<string, unknown>);
      }
      return sent;
    });
    await sleep(BEFORE_MS);
    phase = 'stopping';
    const stopAt = Date.now();
    await postgres.stop();
    phase = 'down';
    await sleep(DOWN_MS);
    const parts = [...cluster.dataServices, ...cluster.tokenDealers];
    const readiness = await Promise.all(parts.map(async (part) => fetch(part.readyUrl, { signal: AbortSignal.timeout(5000) }).then((response) => response.status, () => 0)));
    for (const part of parts) if (!part.running) t.diagnostic(`${part.name} exited while PostgreSQL was down:\n${part.logTail()}`);
    phase = 'starting';
    await postgres.start();
    backAt = Date.now();
    phase = 'after';
    await sleep(AFTER_MS);
    load.stop();
    const outcomes = await load.done;
    const table = statusesByPhase(outcomes);
    const labelled = statusesByPhase(outcomes.map((outcome) => ({ ...outcome, phase: `${outcome.phase} ${outcome.label}` })));
    const late = (outcome: Outcome): boolean => outcome.phase === 'after' && outcome.startedAt - backAt >= RECOVERY_BOUND_MS;
    const lastFailure = Math.max(0, ...outcomes.filter((outcome) => outcome.phase === 'after' && outcome.status >= 400).map((outcome) => outcome.startedAt + outcome.ms - backAt));
    t.diagnostic(`statuses by phase ${JSON.stringify(table)}; readiness while down ${JSON.stringify(readiness)}; last failure ${lastFailure} ms after PostgreSQL was back`);

    // Never a 500, a hang or a cut connection; while down only 503 besides answers that need no database.
    assert.equal(outcomes.filter((outcome) => outcome.status === 0 || outcome.status >= 500 && outcome.status !== 503).length, 0, JSON.stringify(labelled));
    assert.equal(outcomes.filter((outcome) => ![200, 201, 503].includes(outcome.status)).length, 0, JSON.stringify(labelled));
    // Everything answered before the stop began succeeded (one in flight then may see the shutdown).
    assert.equal(outcomes.filter((outcome) => outcome.startedAt + outcome.ms < stopAt && outcome.status >= 400).length, 0, JSON.stringify(labelled));
    // Writes and reads of runs need the database: 503 each time it is down.
    const down = outcomes.filter((outcome) => outcome.phase === 'down' && (outcome.label === 'POST run' || outcome.label === 'GET runs'));
    assert.ok(down.length >= 10, JSON.stringify(table));
    assert.equal(down.filter((outcome) => outcome.status !== 503).length, 0, JSON.stringify(labelled));
    for (const [label, seconds] of retryAfter) assert.ok(seconds >= 1 && seconds <= 30, `${label}: Retry-After ${seconds}`);
    assert.deepEqual(readiness, [503, 503, 503, 503]);
    // The data service answers problem details, TokenDealer's token endpoint RFC 6749's error.
    const dataServiceProblem = { type: 'about:blank', title: 'Service Unavailable', status: 503, detail: 'a dependency is unavailable; try again shortly' };
    for (const label of ['POST run', 'GET runs']) assert.deepEqual(unavailableBodies.get(label), dataServiceProblem, label);
    for (const [label, body] of unavailableBodies) if (label.startsWith('POST refresh') || label.startsWith('POST client')) assert.equal(body.error, 'temporarily_unavailable', label);
    assert.ok(unavailableBodies.has('POST refresh'), 'refreshes need the database: some were answered 503');
    // Recovered: everything started RECOVERY_BOUND_MS after the restart succeeded.
    const lateOnes = outcomes.filter(late);
    assert.ok(lateOnes.length >= 20, JSON.stringify(table));
    assert.equal(lateOnes.filter((outcome) => outcome.status >= 400).length, 0, JSON.stringify(labelled));

    const idsAfter = await allRunIds(cluster.gatewayUrls[0]!, accessToken);
    for (const id of created) assert.ok(idsAfter.has(id), `run ${id} was acknowledged and is gone`);
    assert.equal(idsAfter.size - idsBefore.size, created.size, 'a run answered 503 was stored anyway');
    // No session was lost: each chain refreshes.
    for (const [worker, token] of refreshTokens.entries()) {
      const refreshed = await tokenRequest(cluster.gatewayUrls[0]!, cluster.webApp, { grant_type: 'refresh_token', refresh_token: token });
      assert.equal(refreshed.status, 200, `session ${worker}: ${JSON.stringify(refreshed.body)}`);
    }
  });
});
