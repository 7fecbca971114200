// The whole three-legged flow in a real browser: a third-party app sends the user to
// TokenDealer, who signs up, confirms by mail, signs in and consents; the app exchanges the code
// with PKCE, calls a guarded API, refreshes; the user revokes the app from the account page, and
// the app's refresh token stops working.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { chromium, type BrowserContext } from 'playwright-core';
import { guardPlugin } from '@runnerly/guard/fastify';
import { BACKENDS } from './helpers/databases.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';
import { signUpAndConfirm } from './helpers/browser-account.js';
import { startDemoClientApp, type DemoClientApp } from './helpers/demo-client-app.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const API = 'https://api.runnerly.io';

describe('three-legged OAuth in a real browser', { skip: existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}` }, () => {
  let server: TestServer;
  let api: FastifyInstance;
  let app: DemoClientApp;
  let profile: string;
  let context: BrowserContext;

  before(async () => {
    server = await startTestServer(BACKENDS[0]!);
    api = Fastify();
    await api.register(guardPlugin, { issuer: server.url, audience: API });
    api.get('/runs', { preHandler: api.requireScopes('runs:read') }, async (request) => ({ runner: request.accessToken?.sub }));
    const apiUrl = `${await api.listen({ host: '127.0.0.1', port: 0 })}/runs`;
    // The app's redirect URI is on a port chosen at start: register it on loopback (RFC 8252 port exception).
    const registered = await server.createClient({
      name: 'Race Planner',
      grantTypes: ['authorization_code', 'refresh_token'],
      redirectUris: ['http://127.0.0.1/callback'],
      scopes: ['runs:read'],
      audiences: [API],
    });
    app = await startDemoClientApp({ issuer: server.url, clientId: registered.client_id, clientSecret: registered.client_secret, apiUrl, scope: 'runs:read', resource: API });
    profile = mkdtempSync(join(tmpdir(), 'tokendealer-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });
  after(async () => {
    await context?.close();
    await app?.close();
    await api?.close();
    await server?.stop();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('signs up, confirms, signs in, consents, calls the API, refreshes, and revoking the app ends the refresh token', async () => {
    const page = context.pages()[0] ?? (await context.newPage());
    const email = `runner.${Date.now()}@runnerly.test`;
    const password = 'a long pass phrase for running';

    // The app sends the user to TokenDealer, who has no account yet.
    await page.goto(`${app.url}/login`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    assert.equal(new URL(page.url()).origin, server.url);
    await page.getByRole('link', { name: 'Create an account' }).click();
    await signUpAndConfirm(page, server.outboxDir, email, password);

    // Back in the app: connect again, sign in, consent.
    await page.goto(`${app.url}/login`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Allow' }).waitFor();
    const consent = (await page.textContent('main')) ?? '';
    assert.ok(consent.includes('Race Planner'), 'the consent page names the app');
    assert.ok(consent.includes('See your runs'), 'the consent page says the scope in words');
    await page.getByRole('button', { name: 'Allow' }).click();

    // The app exchanged the code with PKCE and called the guarded API with the token.
    await page.getByRole('heading', { name: 'Connected' }).waitFor();
    assert.match((await page.textContent('#api')) ?? '', /^API status 200, runner \S+$/);
    assert.equal(new URL(page.url()).origin, app.url);

    await page.goto(`${app.url}/refresh`);
    await page.getByRole('heading', { name: 'Refreshed' }).waitFor();
    assert.equal(await page.textContent('#api'), 'API status 200');

    // The user revokes the app from the account page.
    await page.goto(`${server.url}/account`);
    assert.ok(((await page.textContent('main')) ?? '').includes('Race Planner'));
    await page.getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    assert.ok(!((await page.textContent('main')) ?? '').includes('Race Planner'), 'the app is no longer listed');

    await page.goto(`${app.url}/refresh`);
    await page.getByRole('heading', { name: 'Refresh failed' }).waitFor();
    assert.equal(await page.textContent('#error'), 'invalid_grant');
  });
});
