// Reading a request's traceparent as W3C Trace Context says: what is a parent, what is ignored.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { remoteParent } from '../src/traceparent.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';

describe('traceparent', () => {
  it('takes a version 00 header with its sampled flag and tracestate', () => {
    const parent = remoteParent({ traceparent: `00-${TRACE}-${SPAN}-01`, tracestate: 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE' });
    assert.deepEqual([parent?.traceId, parent?.spanId, parent?.traceFlags, parent?.isRemote], [TRACE, SPAN, 1, true]);
    assert.equal(parent?.traceState?.get('congo'), 't61rcWkgMzE');
    assert.equal(remoteParent({ traceparent: `00-${TRACE}-${SPAN}-00` })?.traceFlags, 0);
    assert.equal(remoteParent({ traceparent: `00-${TRACE}-${SPAN}-03` })?.traceFlags, 1, 'unknown flags dropped');
  });

  it('takes a later version with more fields, as the spec asks', () => {
    assert.equal(remoteParent({ traceparent: `cc-${TRACE}-${SPAN}-01-what-the-future-holds` })?.traceId, TRACE);
  });

  it('ignores malformed, all-zero, version ff, upper-case, repeated and padded-00 headers', () => {
    for (const traceparent of [
      '00-zz-yy-01',
      `00-${'0'.repeat(32)}-${SPAN}-01`,
      `00-${TRACE}-${'0'.repeat(16)}-01`,
      `ff-${TRACE}-${SPAN}-01`,
      `00-${TRACE.toUpperCase()}-${SPAN}-01`,
      `00-${TRACE}-${SPAN}-01-extra`,
      `00-${TRACE}-${SPAN}`,
      '',
    ]) {
      assert.equal(remoteParent({ traceparent }), undefined, traceparent);
    }
    assert.equal(remoteParent({ traceparent: [`00-${TRACE}-${SPAN}-01`, `00-${TRACE}-${SPAN}-01`] }), undefined);
    assert.equal(remoteParent({}), undefined);
  });
});
