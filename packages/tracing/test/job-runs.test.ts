// A span around each background job run, exported to a real OTLP/HTTP receiver: the root of its own
// trace, named after the job type, active while the run lasts (its calls are its client spans), an
// error when the run throws but not when it asks to be run later; nothing at all with tracing off.
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startOtlpReceiver, type OtlpReceiver } from '../src/testing/index.js';
import { createTracing, traceJobRuns, type AroundJobRun, type Tracing } from '../src/index.js';

const INTERNAL = 1;
const CLIENT = 3;
const ERROR = 2;

describe('job run spans', () => {
  let receiver: OtlpReceiver;
  let tracing: Tracing;
  let aroundRun: AroundJobRun;
  let upstreamUrl: string;
  const upstreamSaw: IncomingHttpHeaders[] = [];
  const upstream = createServer((req, res) => {
    upstreamSaw.push(req.headers);
    res.end('ok');
  });

  before(async () => {
    receiver = await startOtlpReceiver();
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/activities`;
    tracing = createTracing({ service: 'strava', env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '50' } });
    aroundRun = traceJobRuns(tracing)!;
  });

  after(async () => {
    await tracing.shutdown();
    await receiver.close();
    await new Promise<void>((resolve) => upstream.close(() => resolve()));
  });

  it('makes each run the root of a new trace named after the job, its calls client spans under it', async () => {
    await aroundRun({ id: 'job-1', type: 'strava-history-import', attempts: 1 }, async () => {
      await (await fetch(upstreamUrl)).text();
    });
    const spans = await receiver.waitFor((all) => all.some((s) => s.name === 'strava-history-import') && all.some((s) => s.kind === CLIENT));
    const run = spans.find((s) => s.name === 'strava-history-import')!;
    const call = spans.find((s) => s.kind === CLIENT)!;
    assert.deepEqual([run.service, run.kind, run.parentSpanId, run.statusCode], ['strava', INTERNAL, '', 0]);
    assert.deepEqual(run.attributes, { 'runnerly.job.id': 'job-1', 'runnerly.job.type': 'strava-history-import', 'runnerly.job.attempt': 1 });
    assert.deepEqual([call.traceId, call.parentSpanId], [run.traceId, run.spanId]);
    assert.equal(upstreamSaw.at(-1)?.traceparent, `00-${run.traceId}-${call.spanId}-01`);
  });

  it('marks a failed run as an error and passes its failure on; a RetryLater pause is no error', async () => {
    const failure = new Error('Strava answered 500');
    await assert.rejects(aroundRun({ id: 'job-2', type: 'report-build', attempts: 3 }, () => Promise.reject(failure)), failure);
    const pause = Object.assign(new Error('Strava rate limit'), { name: 'RetryLater' });
    await assert.rejects(aroundRun({ id: 'job-3', type: 'strava-sweep', attempts: 1 }, () => Promise.reject(pause)), pause);
    const spans = await receiver.waitFor((all) => all.some((s) => s.name === 'report-build') && all.some((s) => s.name === 'strava-sweep'));
    const failed = spans.find((s) => s.name === 'report-build')!;
    const paused = spans.find((s) => s.name === 'strava-sweep')!;
    assert.deepEqual([failed.statusCode, failed.statusMessage, failed.parentSpanId], [ERROR, 'Strava answered 500', '']);
    assert.equal(paused.statusCode, 0);
    assert.notEqual(failed.traceId, paused.traceId);
  });

  it('is nothing with tracing off: no wrapper, so the queue runs handlers as they are', () => {
    assert.equal(traceJobRuns(createTracing({ service: 'strava', env: {} })), undefined);
  });
});
