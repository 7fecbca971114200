// Each firewall refusal through the running gateway: its status, problem body and the one log
// line naming the rule; detect mode logs and passes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { send, sendRaw } from './gateway-support/client.js';
import { startGateway, startUpstream, type TestGateway, type TestUpstream } from './gateway-support/servers.js';

describe('firewall refusals', () => {
  let upstream: TestUpstream;
  let gw: TestGateway;

  before(async () => {
    upstream = await startUpstream();
    gw = await startGateway({
      trustedProxies: ['127.0.0.1'],
      ipRules: { deny: ['203.0.113.0/24', '2001:db8:bad::/48'] },
      firewall: { maxUrlLength: 200 },
      routes: [
        { prefix: '/api/', upstream: [upstream.origin], methods: ['GET', 'POST'] },
        { prefix: '/watch/', upstream: [upstream.origin], waf: { mode: 'detect' } },
      ],
    });
  });
  after(async () => {
    await gw.close();
    await upstream.close();
  });

  /** Sends, then returns the status and the rule id of the one refusal line it caused. */
  async function refusal(path: string, options: Parameters<typeof send>[1] = {}): Promise<{ status: number; rule: unknown; type: unknown }> {
    const before = gw.logs.length;
    const answer = await send(`${gw.url}${path}`, options);
    const lines = gw.logs.slice(before).filter((line) => line.event === 'refused');
    assert.equal(lines.length, 1, `one refusal line for ${path}`);
    return { status: answer.status, rule: lines[0]?.rule, type: answer.headers['content-type'] };
  }

  const PROBLEM = 'application/problem+json';

  it('denied client addresses (via a trusted proxy, IPv4 and IPv6)', async () => {
    assert.deepEqual(await refusal('/api/', { headers: { 'x-forwarded-for': '203.0.113.50' } }), { status: 403, rule: 910100, type: PROBLEM });
    assert.deepEqual(await refusal('/api/', { headers: { 'x-forwarded-for': '2001:db8:bad:1::9' } }), { status: 403, rule: 910100, type: PROBLEM });
  });

  it('methods outside the route list', async () => {
    assert.deepEqual(await refusal('/api/', { method: 'DELETE' }), { status: 405, rule: 911100, type: PROBLEM });
    const answer = await send(`${gw.url}/api/`, { method: 'PUT' });
    assert.equal(answer.headers.allow, 'GET, POST');
  });

  it('path traversal after decoding, and null bytes', async () => {
    assert.deepEqual(await refusal('/api/files/..%252f..%252fetc/passwd'), { status: 403, rule: 930100, type: PROBLEM });
    assert.deepEqual(await refusal('/api/x%00.txt'), { status: 400, rule: 920270, type: PROBLEM });
  });

  it('too long URLs', async () => {
    assert.deepEqual(await refusal(`/api/${'a'.repeat(250)}`), { status: 414, rule: 920311, type: PROBLEM });
  });

  it('SQL injection and XSS signatures in the query and in form and JSON bodies', async () => {
    const sqli = await refusal(`/api/runs?id=${encodeURIComponent("1' OR '1'='1")}`);
    assert.equal(sqli.status, 403);
    assert.match(String(sqli.rule), /^942\d{3}$/);
    const xssForm = await refusal('/api/comments', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `text=${encodeURIComponent('<script>alert(1)</script>')}`,
    });
    assert.equal(xssForm.status, 403);
    assert.match(String(xssForm.rule), /^941\d{3}$/);
    const sqliJson = await refusal('/api/search', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ q: "x' UNION SELECT password FROM users --" }),
    });
    assert.equal(sqliJson.status, 403);
    assert.match(String(sqliJson.rule), /^942\d{3}$/);
  });

  it('forwards an inspected body that is clean, byte for byte', async () => {
    const body = JSON.stringify({ name: 'Morning run', distance: 5.2 });
    const answer = await send(`${gw.url}/api/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    assert.equal(answer.status, 200);
    assert.equal(answer.json().bytes, Buffer.byteLength(body));
  });

  it('a smuggling shape (Content-Length twice)', async () => {
    const before = gw.logs.length;
    const raw = await sendRaw(gw.url, 'POST /api/ HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcd');
    assert.match(raw, /^HTTP\/1\.1 400 /);
    assert.deepEqual(
      gw.logs.slice(before).map((line) => [line.event, line.status, line.rule]),
      [['refused', 400, 920161]],
    );
  });

  it('counts refusals by route and rule in the metrics', async () => {
    const metrics = (await send(`${gw.url}/_gateway/metrics`)).body;
    assert.match(metrics, /runnerly_gateway_refusals_total\{route="\/api\/",reason="waf-911100"\} 2/);
    assert.match(metrics, /runnerly_gateway_refusals_total\{route="\/api\/",reason="waf-910100"\} 2/);
  });

  it('detect mode logs the finding and forwards the request', async () => {
    const before = gw.logs.length;
    const answer = await send(`${gw.url}/watch/?q=${encodeURIComponent('<script>alert(1)</script>')}`);
    assert.equal(answer.status, 200);
    const lines = gw.logs.slice(before);
    assert.equal(lines.filter((line) => line.event === 'refused').length, 0);
    const detected = lines.filter((line) => line.event === 'detected');
    assert.equal(detected.length, 1);
    assert.match(String(detected[0]?.rule), /^941\d{3}$/);
  });
});
