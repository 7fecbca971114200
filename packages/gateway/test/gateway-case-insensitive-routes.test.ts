// Case-insensitive routes: every ASCII case variant of the prefix reaches the route, is forwarded
// with the case it was sent in, and meets the same IP rules, firewall, methods and limits; other
// routes stay case-sensitive, and only A-Z fold. Next to such routes, paths with the non-ASCII letters
// that other case-insensitive comparisons fold to ASCII are refused when folding them would change
// the route (920540); /İstanbul stays a name.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RouteTable } from '../src/server/route-table.js';
import { send, type Answer } from './gateway-support/client.js';
import { startGateway, startUpstream, type TestGateway, type TestUpstream } from './gateway-support/servers.js';

describe('case-insensitive routes', () => {
  let docs: TestUpstream;
  let site: TestUpstream;
  let gw: TestGateway;

  before(async () => {
    docs = await startUpstream(undefined, 'docs');
    site = await startUpstream(undefined, 'site');
    gw = await startGateway({
      trustedProxies: ['127.0.0.1'],
      ipRules: { deny: ['203.0.113.0/24'] },
      routes: [
        { prefix: '/Docs/', caseInsensitive: true, upstream: [docs.origin], methods: ['GET'] },
        { prefix: '/Quota/', caseInsensitive: true, upstream: [docs.origin], limits: [{ type: 'quota', key: 'route', limit: 2, window: '1h' }] },
        { prefix: '/Api/', upstream: [docs.origin] },
        { prefix: '/', upstream: [site.origin] },
      ],
    });
  });
  after(async () => {
    await gw.close();
    await docs.close();
    await site.close();
  });

  /** Sends, and returns the answer with the refusal lines it caused. */
  async function request(path: string, options: Parameters<typeof send>[1] = {}): Promise<{ answer: Answer; refusals: typeof gw.logs }> {
    const mark = gw.logs.length;
    const answer = await send(`${gw.url}${path}`, options);
    return { answer, refusals: gw.logs.slice(mark).filter((line) => line.event === 'refused') };
  }

  it('routes every case of the prefix and forwards the path in the case it was sent', async () => {
    for (const path of ['/Docs/Intro', '/docs/Intro', '/DOCS/intro?Lang=EN', '/dOcS/']) {
      const { answer } = await request(path);
      assert.equal(answer.status, 200, path);
      assert.deepEqual({ name: answer.json().name, url: answer.json().url }, { name: 'docs', url: path });
    }
    // Normalisation first (%44 is "D", %6F is "o"), then case folding: forwarded in the normalised form.
    const encoded = await request('/%64%6F%43s/x');
    assert.deepEqual({ name: encoded.answer.json().name, url: encoded.answer.json().url }, { name: 'docs', url: '/doCs/x' });
  });

  it('leaves the other routes case-sensitive', async () => {
    const exact = await request('/Api/x');
    assert.equal(exact.answer.json().name, 'docs');
    const otherCase = await request('/api/x');
    assert.deepEqual({ name: otherCase.answer.json().name, url: otherCase.answer.json().url }, { name: 'site', url: '/api/x' });
  });

  it('applies the IP rules, signatures, methods and path checks to every case alike', async () => {
    const seen = docs.seen.length;
    const denied = await request('/DOCS/x', { headers: { 'x-forwarded-for': '203.0.113.9' } });
    assert.deepEqual([denied.answer.status, denied.refusals[0]?.rule, denied.refusals[0]?.route], [403, 910100, '/Docs/']);
    const xss = await request(`/dOCS/search?q=${encodeURIComponent('<script>alert(1)</script>')}`);
    assert.deepEqual([xss.answer.status, xss.refusals[0]?.rule, xss.refusals[0]?.route], [403, 941100, '/Docs/']);
    const method = await request('/docs/x', { method: 'DELETE' });
    assert.deepEqual([method.answer.status, method.refusals[0]?.rule, method.answer.headers.allow], [405, 911100, 'GET']);
    const traversal = await request('/DOCS/..%2f..%2fetc/passwd');
    assert.deepEqual([traversal.answer.status, traversal.refusals[0]?.rule, traversal.refusals[0]?.route], [403, 930100, '']);
    assert.equal(docs.seen.length, seen, 'nothing refused reached the upstream');
  });

  it('counts every case of the path in the route\'s limits', async () => {
    const statuses = [];
    for (const path of ['/quota/a', '/QUOTA/b', '/Quota/c']) statuses.push((await request(path)).answer.status);
    assert.deepEqual(statuses, [200, 200, 429]);
    assert.equal(gw.logs.filter((line) => line.event === 'refused' && line.route === '/Quota/').length, 1);
  });

  it('refuses with 403 920540 paths with letters that Java folds to ASCII (İ ı ſ K) where folding changes the route, before routing', async () => {
    const seen = site.seen.length + docs.seen.length;
    // Java's equalsIgnoreCase takes each of these for an ASCII letter: "/docſ/" for "/docs/", "/Apı/" for "/Api/".
    const paths = ['/Doc%C5%BF/x', '/doc%C5%BF/x', '/Ap%C4%B1/x', '/Ap%C4%B0/x', '/doc%25C5%25BF/x', '/Ap%u0131/x'];
    for (const path of paths) {
      const { answer, refusals } = await request(path);
      assert.deepEqual([answer.status, refusals.map((line) => [line.rule, line.route])], [403, [[920540, '']]], path);
    }
    assert.equal(site.seen.length + docs.seen.length, seen, 'nothing refused reached an upstream');
    // Other letters fold to no ASCII letter.
    const accented = await request('/caf%C3%A9/x');
    assert.deepEqual([accented.answer.status, accented.answer.json().name], [200, 'site']);
    // Folded or not, these reach the same route ("/"): names, not bypasses.
    for (const path of ['/%C4%B0stanbul', '/D%C4%B1yarbak%C4%B1r', '/%E2%84%AAelvin', '/adm%C4%B1n/x', '/%C5%BFecret']) {
      const { answer, refusals } = await request(path);
      assert.deepEqual([answer.status, answer.json().name, refusals.length], [200, 'site', 0], path);
    }
  });

  it('folds A-Z only: other letters that lower-case to ASCII do not match', () => {
    const table = new RouteTable([
      { prefix: '/k/', caseInsensitive: true },
      { prefix: '/', caseInsensitive: false },
    ]);
    assert.equal(table.match('/K/x')?.prefix, '/k/');
    // U+212A KELVIN SIGN lower-cases to "k" in String.toLowerCase().
    assert.equal(table.match('/\u212A/x')?.prefix, '/');
    assert.equal(table.match('/%E2%84%AA/x')?.prefix, '/');
  });
});
