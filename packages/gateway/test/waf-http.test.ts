// The firewall behind a real node:http server on 127.0.0.1, fed raw bytes over TCP so that no
// client library normalizes the hostile shapes first. It shows how the server builds the
// RequestView from node's request, and which shapes node's own parser refuses before any
// handler runs (the firewall checks them too, for parsers that are more lenient).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { compileFirewallConfig, firewallLogFields, inspectBody, inspectRequest, shouldInspectBody, type FirewallVerdict } from '../src/waf/firewall.js';
import { CidrMatcher, clientAddress } from '../src/waf/ip-rules.js';
import type { RequestView } from '../src/waf/protocol-checks.js';

const config = compileFirewallConfig({ mode: 'block', ipRules: { deny: ['203.0.113.0/24'] } });
const trustedProxies = CidrMatcher.compile(['127.0.0.0/8', '::1']);

function viewOf(req: IncomingMessage): RequestView {
  const contentLength = req.headers['content-length'];
  return {
    method: req.method ?? '',
    rawUrl: req.url ?? '',
    headers: req.rawHeaders,
    httpVersion: req.httpVersion,
    hasBody: req.headers['transfer-encoding'] !== undefined || (contentLength !== undefined && contentLength !== '0'),
    clientAddress: clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], trustedProxies),
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

interface Exchange {
  status: number;
  body: string;
}

/** Sends raw bytes and reads the whole answer (the request asks for Connection: close). */
function exchange(port: number, raw: string): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    socket.setTimeout(5000, () => socket.destroy(new Error('timed out')));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
    socket.end(raw);
  });
}

describe('firewall in a node:http server', () => {
  let server: Server;
  let port = 0;
  let handled = 0;
  const logLines: Array<Record<string, unknown>> = [];

  before(async () => {
    server = createServer(async (req, res) => {
      handled++;
      const send = (status: number, type: string, payload: unknown) => {
        const text = JSON.stringify(payload);
        res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text), connection: 'close' });
        res.end(text);
      };
      const answer = (verdict: FirewallVerdict) => {
        if (verdict.action === 'block') {
          logLines.push(firewallLogFields(verdict));
          send(verdict.status, 'application/problem+json', { status: verdict.status, ruleId: verdict.ruleId });
          return true;
        }
        return false;
      };
      const view = viewOf(req);
      const first = inspectRequest(view, config);
      if (answer(first)) return;
      let final = first;
      const contentLength = req.headers['content-length'];
      if (first.action === 'pass' && shouldInspectBody(req.headers['content-type'], contentLength === undefined ? undefined : Number(contentLength), config)) {
        final = inspectBody(req.headers['content-type'], await readBody(req), config, first);
        if (answer(final)) return;
      }
      send(200, 'application/json', { client: view.clientAddress, score: final.score });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const request = (head: string, body = '') => exchange(port, `${head}\r\nConnection: close\r\n\r\n${body}`);

  it('passes an ordinary request and resolves the client behind a trusted proxy', async () => {
    const answer = await request('GET /api/runs?q=Select+your+race HTTP/1.1\r\nHost: api.example\r\nX-Forwarded-For: 198.51.100.7');
    assert.equal(answer.status, 200);
    assert.deepEqual(JSON.parse(answer.body), { client: '198.51.100.7', score: 0 });
  });

  const post = (path: string, type: string, body: string): [string, string] =>
    [`POST ${path} HTTP/1.1\r\nHost: h\r\nContent-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(body)}`, body];

  it('passes an ordinary JSON body', async () => {
    const [head, body] = post('/runs', 'application/json', '{"name": "O\'Brien", "distance": 10, "note": "I love <3 running"}');
    const answer = await request(head, body);
    assert.equal(answer.status, 200);
    assert.deepEqual(JSON.parse(answer.body), { client: '127.0.0.1', score: 0 });
  });

  const refused: Array<[string, string, string, number, number]> = [
    ['IP deny list', 'GET / HTTP/1.1\r\nHost: h\r\nX-Forwarded-For: 203.0.113.9', '', 403, 910100],
    ['method', 'TRACE / HTTP/1.1\r\nHost: h', '', 405, 911100],
    ['path traversal', 'GET /static/../secret HTTP/1.1\r\nHost: h', '', 403, 930100],
    ['double-encoded traversal', 'GET /static/%252e%252e/secret HTTP/1.1\r\nHost: h', '', 403, 930100],
    ['encoded null byte', 'GET /file.php%00.png HTTP/1.1\r\nHost: h', '', 400, 920270],
    ['body on GET', 'GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 3', 'abc', 400, 920170],
    ['chunked body on GET', 'GET / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked', '3\r\nabc\r\n0\r\n\r\n', 400, 920170],
    ['network-path target', 'GET //evil.example/x HTTP/1.1\r\nHost: h', '', 400, 920100],
    ['URL too long', `GET /${'a'.repeat(5000)} HTTP/1.1\r\nHost: h`, '', 414, 920311],
    ['too many headers', `GET / HTTP/1.1\r\nHost: h${Array.from({ length: 100 }, (_, i) => `\r\nX-${i}: 1`).join('')}`, '', 431, 920390],
    ['too many arguments', `GET /?${Array.from({ length: 256 }, (_, i) => `a${i}=1`).join('&')} HTTP/1.1\r\nHost: h`, '', 400, 920380],
    ['SQL injection in the query', "GET /search?q=1'%20union%20select%20password%20from%20users HTTP/1.1\r\nHost: h", '', 403, 942120],
    ['XSS in the path', 'GET /p/%3Csvg%20onload=alert(1)%3E HTTP/1.1\r\nHost: h', '', 403, 941110],
    ['SQL injection in a form body', ...post('/login', 'application/x-www-form-urlencoded', "user=admin'--&pass=1234"), 403, 942140],
    ['XSS in a JSON body', ...post('/runs', 'application/json; charset=utf-8', '{"title": "<script>alert(1)</script>"}'), 403, 941100],
  ];
  for (const [label, head, body, status, ruleId] of refused) {
    it(`refuses ${label} with ${status} and rule ${ruleId}`, async () => {
      const before = logLines.length;
      const answer = await request(head, body);
      assert.equal(answer.status, status);
      assert.deepEqual(JSON.parse(answer.body), { status, ruleId });
      assert.equal(logLines.length, before + 1);
      assert.equal((logLines.at(-1)?.waf as { ruleId: number }).ruleId, ruleId);
    });
  }

  // node's strict parser answers these with 400 itself, before any handler sees the request.
  const refusedByNode: Array<[string, string]> = [
    ['Content-Length with Transfer-Encoding', 'POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n'],
    ['conflicting Content-Length', 'POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 4\r\nConnection: close\r\n\r\nabcd'],
    ['raw null byte', 'GET /a\u0000b HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n'],
    ['missing Host', 'GET / HTTP/1.1\r\nConnection: close\r\n\r\n'],
  ];
  for (const [label, raw] of refusedByNode) {
    it(`leaves ${label} to node's parser (400, handler not reached)`, async () => {
      const handledBefore = handled;
      const answer = await exchange(port, raw);
      assert.equal(answer.status, 400);
      assert.equal(handled, handledBefore);
    });
  }
});
