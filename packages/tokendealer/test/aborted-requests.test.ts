// A client that resets its TCP connection before the answer: the failure it made still counts
// (under the address its connection came from), nothing throws (no logged 500), and nothing it
// reserved (a sign-in in flight) leaks.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { BACKENDS } from './helpers/databases.js';
import { basic, form, startTestServer, type TestServer } from './helpers/test-server.js';
import { WebClient } from './helpers/web-client.js';
import { until } from './helpers/until.js';
import { capturedLog } from './helpers/captured-log.js';

const LIMIT = 3;
const PASSWORD = 'correct horse battery staple';

/** Sends a whole POST on a raw socket and resets the connection (RST) at once, before any answer. */
function postAndReset(baseUrl: string, path: string, body: string, headers: Record<string, string>): Promise<void> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => {
      const head = Object.entries({ host: url.host, 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)), ...headers })
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('');
      socket.write(`POST ${path} HTTP/1.1\r\n${head}\r\n${body}`, () => {
        socket.resetAndDestroy();
        resolve();
      });
    });
    socket.on('error', reject);
  });
}

for (const backend of BACKENDS) {
  describe(`requests whose connection is reset before the answer (${backend.name})`, () => {
    let server: TestServer;
    let log: ReturnType<typeof capturedLog>;
    const errors = () => log.lines.filter((line) => line.level >= 50);
    const logged = (msg: string) => log.lines.filter((line) => line.msg === msg).length;

    before(async () => {
      log = capturedLog();
      server = await startTestServer(backend, { authFailureLimit: LIMIT, signInFailureLimit: LIMIT }, {}, log.logger);
    });
    after(() => server.stop());

    it('counts a failed client authentication whose connection was reset, without an error', async () => {
      const client = await server.createClient();
      const already = logged('client authentication failed');
      for (let i = 0; i < LIMIT; i++) {
        await postAndReset(server.url, '/oauth/token', form({ grant_type: 'client_credentials' }), { authorization: basic(client.client_id, 'wrong secret') });
      }
      await until('the reset attempts are handled', () => logged('client authentication failed') - already >= LIMIT || errors().length > 0);
      assert.deepEqual(errors(), []);
      const response = await server.post('/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic(client.client_id, 'wrong secret') });
      assert.equal(response.status, 429, 'the reset attempts counted against the client at this address');
      assert.equal(((await response.json()) as { error: string }).error, 'invalid_client');
    });

    it('releases a sign-in in flight whose connection was reset, and counts its failure, without an error', async () => {
      const email = `reset.${Date.now()}@runnerly.test`;
      await server.tokenDealer.accounts.create(email, PASSWORD, true);
      const browser = new WebClient(server.url);
      await browser.get('/signin');
      const cookie = [...browser.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
      const refusedSignIns = () => log.lines.filter((line) => line.reason === 'wrong email or password').length;
      const already = refusedSignIns();
      // As many wrong passwords as may be checked at once, each reset before its answer.
      for (let i = 0; i < 2; i++) {
        await postAndReset(server.url, '/signin', browser.form({ email, password: 'wrong password' }), { cookie });
      }
      await until('the reset sign-ins are checked', () => refusedSignIns() - already >= 2 || errors().length > 0);
      assert.deepEqual(errors(), []);
      // Nothing stays in flight, and the two failures leave one try below the limit.
      assert.equal((await browser.post('/signin', { email, password: PASSWORD })).status, 303);
      // The two reset attempts were counted: two more failures reach the limit of three (the sign-in above gave none back).
      const other = new WebClient(server.url);
      await other.get('/signin');
      assert.equal((await other.post('/signin', { email, password: 'wrong password' })).status, 401);
      assert.equal((await other.post('/signin', { email, password: 'wrong password' })).status, 429);
    });
  });
}
