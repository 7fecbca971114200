// A failure inside the body inspection (a bug, or a body that makes a parser throw) must not end the
// process as an unhandled rejection: the request is answered with a 500 problem and the failure is
// logged (event "internal-error"), and the gateway goes on serving.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RouteFirewall } from '../src/server/firewall-gate.js';
import { send } from './gateway-support/client.js';
import { startGateway, startUpstream, type TestGateway, type TestUpstream } from './gateway-support/servers.js';

describe('a failure in the body inspection', () => {
  let upstream: TestUpstream;
  let gw: TestGateway;
  const original = RouteFirewall.prototype.inspectBody;

  before(async () => {
    upstream = await startUpstream();
    gw = await startGateway({ routes: [{ prefix: '/api/', upstream: [upstream.origin] }] });
  });
  after(async () => {
    RouteFirewall.prototype.inspectBody = original;
    await gw.close();
    await upstream.close();
  });

  it('answers 500 with a problem document, logs it, and keeps serving', async () => {
    RouteFirewall.prototype.inspectBody = () => {
      throw new RangeError('Cannot create a string longer than 0x1fffffe8 characters');
    };
    const mark = gw.logs.length;
    const seen = upstream.seen.length;
    const failed = await send(`${gw.url}/api/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"title": "x"}' });
    assert.equal(failed.status, 500);
    assert.equal(failed.headers['content-type'], 'application/problem+json');
    assert.deepEqual(
      gw.logs.slice(mark).filter((line) => line.event === 'internal-error').map((line) => [line.step, line.route]),
      [['body-inspection', '/api/']],
    );
    assert.equal(upstream.seen.length, seen);

    RouteFirewall.prototype.inspectBody = original;
    const served = await send(`${gw.url}/api/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"title": "x"}' });
    assert.equal(served.status, 200);
  });
});
