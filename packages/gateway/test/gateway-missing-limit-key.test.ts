// Limits keyed on a header, for requests without it: counted under the client's address (the
// default), in one bucket shared by all of them, or not at all. Clients are told apart by
// X-Forwarded-For from the trusted loopback proxy; each quota allows two requests an hour, so no
// bucket refills while a test runs.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { send, type Answer } from './gateway-support/client.js';
import { startGateway, startUpstream, type TestGateway, type TestUpstream } from './gateway-support/servers.js';

describe('missingKey of header-keyed limits', () => {
  let upstream: TestUpstream;
  let gw: TestGateway;

  const quota = (missingKey?: string) => ({ type: 'quota', key: 'header:x-api-key', limit: 2, window: '1h', ...(missingKey === undefined ? {} : { missingKey }) });

  before(async () => {
    upstream = await startUpstream();
    gw = await startGateway({
      trustedProxies: ['127.0.0.1'],
      routes: [
        { prefix: '/ip/', upstream: [upstream.origin], limits: [{ ...quota(), name: 'by-ip' }] },
        { prefix: '/shared/', upstream: [upstream.origin], limits: [{ ...quota('shared'), name: 'shared' }] },
        { prefix: '/skip/', upstream: [upstream.origin], limits: [{ ...quota('skip'), name: 'skipped' }] },
      ],
    });
  });
  after(async () => {
    await gw.close();
    await upstream.close();
  });

  /** A request from `client`, with the x-api-key header when `apiKey` is given. */
  function from(client: string, path: string, apiKey?: string): Promise<Answer> {
    return send(`${gw.url}${path}`, { headers: { 'x-forwarded-for': client, ...(apiKey === undefined ? {} : { 'x-api-key': apiKey }) } });
  }

  async function statuses(requests: (() => Promise<Answer>)[]): Promise<number[]> {
    const result: number[] = [];
    for (const request of requests) result.push((await request()).status);
    return result;
  }

  /** The stored keys of the limit refusals logged for `route` since `mark`. */
  const refusedKeys = (mark: number, route: string) => gw.logs.slice(mark).filter((line) => line.event === 'refused' && line.route === route).map((line) => line.key);

  it('"ip" (the default): a request without the header is counted under its client address', async () => {
    const mark = gw.logs.length;
    const seenBefore = upstream.seen.length;
    assert.deepEqual(
      await statuses([
        () => from('198.51.100.1', '/ip/'),
        () => from('198.51.100.1', '/ip/'),
        () => from('198.51.100.1', '/ip/'),
        // An empty value counts as missing: the same address bucket, already used up.
        () => from('198.51.100.1', '/ip/', ''),
        // Another client without the header has a bucket of its own.
        () => from('198.51.100.2', '/ip/'),
        // The exhausted client with a key is counted under that key.
        () => from('198.51.100.1', '/ip/', 'k1'),
        // A key equal to an address is a digest in the store, never that address's bucket.
        () => from('198.51.100.3', '/ip/', '198.51.100.1'),
      ]),
      [200, 200, 429, 429, 200, 200, 200],
    );
    assert.deepEqual(refusedKeys(mark, '/ip/'), ['198.51.100.1', '198.51.100.1']);
    assert.equal(upstream.seen.length - seenBefore, 5);
  });

  it('"shared": every request without the header shares one bucket', async () => {
    const mark = gw.logs.length;
    assert.deepEqual(
      await statuses([
        () => from('198.51.100.1', '/shared/'),
        () => from('198.51.100.2', '/shared/'),
        // A third client without the header finds the shared bucket used up by the other two.
        () => from('198.51.100.3', '/shared/'),
        () => from('198.51.100.3', '/shared/', ''),
        () => from('198.51.100.3', '/shared/', 'k1'),
      ]),
      [200, 200, 429, 429, 200],
    );
    assert.deepEqual(refusedKeys(mark, '/shared/'), ['', '']);
  });

  it('"skip": a request without the header is not limited, and not counted', async () => {
    const mark = gw.logs.length;
    const withoutKey = await Promise.all(Array.from({ length: 6 }, () => from('198.51.100.1', '/skip/')));
    assert.deepEqual(
      withoutKey.map((answer) => answer.status),
      [200, 200, 200, 200, 200, 200],
    );
    // The limit did not apply, so it announces nothing for these requests.
    assert.ok(withoutKey.every((answer) => answer.headers.ratelimit === undefined && answer.headers['ratelimit-policy'] === undefined));
    // With the header the limit applies as usual.
    const withKey = [await from('198.51.100.1', '/skip/', 'k1'), await from('198.51.100.1', '/skip/', 'k1'), await from('198.51.100.1', '/skip/', 'k1')];
    assert.deepEqual(
      withKey.map((answer) => answer.status),
      [200, 200, 429],
    );
    assert.equal(withKey[0]!.headers['ratelimit-policy'], '"skipped";q=2;w=3600');
    assert.equal(refusedKeys(mark, '/skip/').length, 1);
    assert.match(String(refusedKeys(mark, '/skip/')[0]), /^#[\w-]{12}$/);
    // Only the two counted requests passed through the limit; the six skipped ones decided nothing.
    const metrics = (await send(`${gw.url}/_gateway/metrics`)).body;
    assert.match(metrics, /runnerly_gateway_limit_decisions_total\{route="\/skip\/",limit="skipped",outcome="pass"\} 2\n/);
    assert.match(metrics, /runnerly_gateway_limit_decisions_total\{route="\/skip\/",limit="skipped",outcome="reject"\} 1\n/);
  });
});
