// With an OTLP endpoint, each month's build is a trace of its own, like the other services'
// background jobs: a root span named reports.month, its calls to the data service and the plans
// service client spans under it, an error status when the build fails (here: the plans service not
// started yet), and no error once the retry succeeds. Real data and plans services on loopback,
// a real OTLP/HTTP receiver.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { pino } from 'pino';
import { resolveOptions } from '@runnerly/service-config';
import { resolveDataServiceConfig, startDataService } from '@runnerly/dataservice';
import { PLANS_OPTIONS, startPlans } from '@runnerly/plans';
import { createTracing } from '@runnerly/tracing';
import { freePort, startOtlpReceiver, startTestTokenDealer, TEST_BACKENDS, type ReceivedSpan } from '@runnerly/test-support';
import { startReports } from '../src/index.js';
import { MONTH_BUILD } from '../src/scheduler/month-scheduler.js';
import { PUBLIC_API, reportsTestConfig } from './helpers/reports-config.js';

const silent = pino({ level: 'silent' });
const INTERNAL = 1;
const CLIENT = 3;
const ERROR = 2;

it('makes each month build a root span with its calls under it, an error while it fails', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'reports-spans-'));
  const stops: (() => Promise<unknown>)[] = [];
  try {
    const receiver = await startOtlpReceiver();
    stops.push(() => receiver.close());
    const tracing = createTracing({ service: 'reports', env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '50' } });
    stops.push(() => tracing.shutdown());
    const tokenDealer = await startTestTokenDealer();
    stops.push(() => tokenDealer.stop());
    const backend = TEST_BACKENDS[0]!;
    const [dataDb, plansDb, reportsDb] = [await backend.create(), await backend.create(), await backend.create()];
    stops.push(async () => {
      for (const database of [dataDb, plansDb, reportsDb]) await database.drop();
    });
    const data = await startDataService(resolveDataServiceConfig({ DATASERVICE_PORT: '0', DATASERVICE_DB: dataDb.url, TOKENDEALER_ISSUER: tokenDealer.issuer, PUBLIC_API_AUDIENCE: PUBLIC_API }), silent);
    stops.push(() => data.close());
    const token = tokenDealer.userToken({ sub: 'runner-1', scopes: ['runs:write'], audience: PUBLIC_API });
    const posted = await fetch(`${data.url}/api/data/users/me/runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Run', sport_type: 'Run', start_date: '2026-11-10T07:00:00Z', distance: 8000, moving_time: 2700 }),
    });
    assert.equal(posted.status, 201);

    const client = await tokenDealer.createServiceClient({ scopes: ['runs:read:all', 'plans:read:all'], audiences: ['runnerly-data', 'runnerly-plans'] });
    const plansPort = await freePort();
    let now = Date.parse('2026-12-02T00:00:00Z');
    const config = reportsTestConfig({ db: reportsDb.url, issuer: tokenDealer.issuer, dataServiceUrl: data.url, plansUrl: `http://127.0.0.1:${plansPort}`, client, outboxDir: join(dir, 'outbox') });
    const reports = await startReports(config, silent, { clock: () => now, tracing });
    stops.push(() => reports.close());

    const builds = (all: ReceivedSpan[]) => all.filter((span) => span.name === MONTH_BUILD);
    const callsUnder = (all: ReceivedSpan[], build: ReceivedSpan) => all.filter((span) => span.kind === CLIENT && span.parentSpanId === build.spanId);

    // The plans service is not up: the build fails and is retried later.
    await reports.tick();
    const [failed] = builds(await receiver.waitFor((all) => builds(all).length === 1));
    assert.deepEqual([failed!.service, failed!.kind, failed!.parentSpanId, failed!.statusCode, failed!.attributes['runnerly.job.id']], ['reports', INTERNAL, '', ERROR, '2026-11']);
    const failedCalls = callsUnder(await receiver.waitFor((all) => callsUnder(all, failed!).some((span) => String(span.attributes['url.full']).startsWith(config.plansUrl))), failed!);
    assert.ok(failedCalls.some((span) => String(span.attributes['url.full']).startsWith(data.url) && span.attributes['http.response.status_code'] === 200), 'the data service call is under the build');
    assert.equal(failedCalls.find((span) => String(span.attributes['url.full']).startsWith(config.plansUrl))?.attributes['error.type'], 'ECONNREFUSED');

    const plans = await startPlans({ ...resolveOptions(PLANS_OPTIONS, {}), port: plansPort, db: plansDb.url, issuer: tokenDealer.issuer, publicApiAudience: PUBLIC_API, logLevel: 'silent' }, silent);
    stops.push(() => plans.close());
    now += 31_000;
    await reports.tick();
    const retried = builds(await receiver.waitFor((all) => builds(all).length === 2))[1]!;
    assert.deepEqual([retried.parentSpanId, retried.statusCode, retried.attributes['runnerly.job.id']], ['', 0, '2026-11']);
    assert.notEqual(retried.traceId, failed!.traceId, 'each build is a trace of its own');
    const retriedCalls = callsUnder(await receiver.waitFor((all) => callsUnder(all, retried).some((span) => String(span.attributes['url.full']).startsWith(config.plansUrl))), retried);
    // The runner has no plan: the plans service's 404 is a client-side error, the build is not.
    const answers = retriedCalls.map((span) => [String(span.attributes['url.full']).startsWith(data.url) ? 'data' : 'plans', span.attributes['http.response.status_code']]);
    assert.deepEqual(answers.sort(), [['data', 200], ['data', 200], ['data', 200], ['data', 200], ['plans', 404]]);
  } finally {
    for (const stop of stops.reverse()) await stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
