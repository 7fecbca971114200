// With an OTLP endpoint, each job run of the Strava service is a trace of its own: a history import
// is a root span named after its job, and its calls to Strava and to the data service are client
// spans under it (exported to a real receiver, against the sandbox and the recording data service).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startOtlpReceiver, TEST_BACKENDS, type OtlpReceiver, type ReceivedSpan } from '@runnerly/test-support';
import { HISTORY_JOB } from '../src/jobs/job-types.js';
import { newRunner, startHarness, type Harness } from './helpers/strava-harness.js';
import { until } from './helpers/until.js';

const INTERNAL = 1;
const CLIENT = 3;

describe('job run spans of the Strava service', () => {
  let receiver: OtlpReceiver;
  let harness: Harness;
  before(async () => {
    receiver = await startOtlpReceiver();
    harness = await startHarness({ backend: TEST_BACKENDS[0]!, seed: { athletes: 1, months: 2 }, otlpEndpoint: receiver.url });
  });
  after(async () => {
    await harness.close();
    await receiver.close();
  });

  it('makes a history import a root span named after its job, its calls to Strava and the data service client spans under it', async () => {
    const runner = newRunner();
    await harness.link(runner, harness.sandbox.admin.athletes()[0]!.id);
    await until(() => harness.status(runner), (value) => value.state === 'idle', 'the import to finish');

    const under = (all: ReceivedSpan[], run: ReceivedSpan) => all.filter((s) => s.kind === CLIENT && s.parentSpanId === run.spanId);
    const calledFrom = (calls: ReceivedSpan[], base: string) => calls.some((s) => String(s.attributes['url.full']).startsWith(base));
    const spans = await receiver.waitFor((all) => {
      const run = all.find((s) => s.name === HISTORY_JOB);
      return run !== undefined && calledFrom(under(all, run), harness.sandbox.url) && calledFrom(under(all, run), harness.data.url);
    });
    const run = spans.find((s) => s.name === HISTORY_JOB)!;
    assert.deepEqual([run.service, run.kind, run.parentSpanId, run.statusCode, run.attributes['runnerly.job.type']], ['strava', INTERNAL, '', 0, HISTORY_JOB]);
    for (const call of under(spans, run)) assert.equal(call.traceId, run.traceId);
  });
});
