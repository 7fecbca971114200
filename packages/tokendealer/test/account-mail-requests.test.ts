// Sign-up and password-reset requests: the page answers before any mail is sent, the same way for
// known and unknown emails (so neither the answer nor its timing tells which emails have
// accounts, and a slow or failing mail server changes nothing), and requests are limited per
// email and per address (no mail bombing, no spending the server's scrypt time).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { BACKENDS } from './helpers/databases.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';
import { WebClient, type PageResponse } from './helpers/web-client.js';
import type { Mailer, MailMessage } from '@runnerly/mail';
import { MAIL_REQUESTS_PER_ADDRESS, MAIL_REQUESTS_PER_EMAIL } from '../src/accounts/mail-request-throttle.js';

const PASSWORD = 'correct horse battery staple';
let counter = 0;
const uniqueEmail = (label: string) => `${label}.${++counter}.${Date.now()}@runnerly.test`;

/** A mail server that holds every message until released, or refuses them all. */
class StalledMailer implements Mailer {
  readonly description = 'stalled test mailer';
  readonly sent: MailMessage[] = [];
  failing = false;
  private release: () => void = () => {};
  private readonly gate = new Promise<void>((resolve) => (this.release = resolve));

  async send(message: MailMessage): Promise<void> {
    await this.gate;
    if (this.failing) throw new Error('mail server refused the message');
    this.sent.push(message);
  }

  open(): void {
    this.release();
  }

  async close(): Promise<void> {}
}

/** The response, or undefined when the page has not answered within the time. */
async function within(ms: number, response: Promise<PageResponse>): Promise<PageResponse | undefined> {
  return Promise.race([response, sleep(ms).then(() => undefined)]);
}

const stripVaryingParts = (body: string) => body.replace(/<strong>[^<]*<\/strong>/g, '').replace(/value="[^"]*"/g, '');

for (const backend of BACKENDS) {
  describe(`account mail off the request path (${backend.name})`, () => {
    let server: TestServer;
    const mailer = new StalledMailer();

    before(async () => {
      // Production behaviour: pages do not wait for the mail they enqueue.
      server = await startTestServer(backend, {}, { mailer, settleMailBeforeReply: false });
    });
    after(async () => {
      mailer.open();
      await server.stop();
    });

    it('answers sign-ups and reset requests while the mail server hangs, the same for known and unknown emails, and sends afterwards', async () => {
      const known = uniqueEmail('known');
      await server.tokenDealer.accounts.create(known, PASSWORD, true);
      const fresh = uniqueEmail('fresh');
      const unknown = uniqueEmail('unknown');
      const client = new WebClient(server.url);
      await client.get('/signup');

      const signUps = [await within(5000, client.post('/signup', { email: fresh, password: PASSWORD })), await within(5000, client.post('/signup', { email: known, password: PASSWORD }))];
      const resets = [await within(5000, client.post('/reset', { email: known })), await within(5000, client.post('/reset', { email: unknown }))];
      for (const response of [...signUps, ...resets]) assert.equal(response?.status, 200, 'answered at once, without the mail');
      assert.equal(stripVaryingParts(signUps[0]!.body), stripVaryingParts(signUps[1]!.body));
      assert.equal(stripVaryingParts(resets[0]!.body), stripVaryingParts(resets[1]!.body));
      assert.equal(mailer.sent.length, 0, 'nothing sent yet');

      mailer.open();
      await server.mailSettled();
      assert.deepEqual(mailer.sent.map((message) => [message.to, message.subject]).sort(), [
        [fresh, 'Confirm your email address'],
        [known, 'Choose a new password'],
        [known, 'You already have an account'],
      ].sort());
    });

    it('answers the same when the mail server refuses the message (the failure is only logged)', async () => {
      mailer.failing = true;
      try {
        const client = new WebClient(server.url);
        await client.get('/reset');
        const email = uniqueEmail('refused');
        await server.tokenDealer.accounts.create(email, PASSWORD, true);
        assert.equal((await client.post('/reset', { email })).status, 200);
        await server.mailSettled();
        assert.equal(mailer.sent.filter((message) => message.to === email).length, 0);
      } finally {
        mailer.failing = false;
      }
    });
  });

  describe(`account mail request limits (${backend.name})`, () => {
    let server: TestServer;

    before(async () => {
      server = await startTestServer(backend, { trustProxy: ['127.0.0.1', '::1'] });
    });
    after(() => server.stop());

    async function request(path: '/signup' | '/reset', email: string, address: string): Promise<PageResponse> {
      const client = new WebClient(server.url, { 'x-forwarded-for': address });
      await client.get(path);
      return client.post(path, path === '/signup' ? { email, password: PASSWORD } : { email });
    }

    function expectThrottled(response: PageResponse): void {
      assert.equal(response.status, 429);
      assert.ok(Number(response.headers.get('retry-after')) > 3500, `Retry-After ${response.headers.get('retry-after')}`);
      assert.match(response.body, /too many requests/);
      assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
    }

    it(`mails one email at most ${MAIL_REQUESTS_PER_EMAIL} sign-ups and ${MAIL_REQUESTS_PER_EMAIL} resets an hour, from any addresses, known or not`, async () => {
      const known = uniqueEmail('target');
      await server.tokenDealer.accounts.create(known, PASSWORD, true);
      for (const [round, email] of [known, uniqueEmail('nobody')].entries()) {
        for (let i = 0; i < MAIL_REQUESTS_PER_EMAIL; i++) {
          assert.equal((await request('/signup', email, `192.0.2.${round * 20 + i + 1}`)).status, 200);
        }
        expectThrottled(await request('/signup', email, '203.0.113.6'));
        // Whoever spent the email's sign-ups has not spent its owner's password resets.
        for (let i = 0; i < MAIL_REQUESTS_PER_EMAIL; i++) {
          assert.equal((await request('/reset', email, `192.0.2.${round * 20 + i + 11}`)).status, 200);
        }
        expectThrottled(await request('/reset', email, '203.0.113.5'));
      }
    });

    it(`takes at most ${MAIL_REQUESTS_PER_ADDRESS} requests an hour from one address`, async () => {
      for (let i = 0; i < MAIL_REQUESTS_PER_ADDRESS; i++) {
        assert.equal((await request(i % 3 === 0 ? '/signup' : '/reset', uniqueEmail('many'), '198.51.100.90')).status, 200);
      }
      expectThrottled(await request('/signup', uniqueEmail('many'), '198.51.100.90'));
      expectThrottled(await request('/reset', uniqueEmail('many'), '198.51.100.90'));
      assert.equal((await request('/reset', uniqueEmail('elsewhere'), '198.51.100.91')).status, 200, 'other addresses are not affected');
    });
  });
}
