// The dashboard's path in a real browser: a first-party confidential client signs a user in with
// OpenID Connect (no consent page, login_hint pre-filled), knows them from the ID token, and signs
// them out of TokenDealer through the end-session endpoint.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { BACKENDS } from './helpers/databases.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';
import { PASSWORD } from './helpers/authorization.js';
import { startRelyingParty, type RelyingParty } from './helpers/oidc-relying-party.js';
import { API } from './helpers/openid.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const EMAIL = 'dashboard.user@runnerly.test';

describe('OpenID Connect sign-in and sign-out in a real browser', { skip: existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}` }, () => {
  let server: TestServer;
  let app: RelyingParty;
  let profile: string;
  let context: BrowserContext;
  let userId: string;

  before(async () => {
    server = await startTestServer(BACKENDS[0]!);
    userId = (await server.tokenDealer.accounts.create(EMAIL, PASSWORD, true)).id;
    app = await startRelyingParty({
      issuer: server.url,
      register: (base) =>
        server.createClient({
          name: 'Dashboard',
          grantTypes: ['authorization_code', 'refresh_token'],
          redirectUris: [`${base}/callback`],
          postLogoutRedirectUris: [`${base}/signed-out`],
          scopes: ['openid', 'profile', 'email', 'runs:read'],
          audiences: [API],
          firstParty: true,
        }),
      scope: 'openid profile email runs:read',
      resource: API,
      loginHint: EMAIL,
    });
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
    await server?.stop();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('signs in without a consent page, knows the user from the ID token, and ends the TokenDealer session on logout', async () => {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${app.url}/login`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    assert.equal(await page.getByLabel('Email').inputValue(), EMAIL, 'login_hint pre-fills the email');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();

    // Straight back to the app: no consent page for a first-party client.
    await page.getByRole('heading', { name: 'Hello' }).waitFor();
    assert.equal(new URL(page.url()).origin, app.url);
    assert.equal(await page.textContent('#email'), EMAIL);
    assert.equal(await page.textContent('#sub'), userId);
    assert.equal(await page.textContent('#userinfo'), EMAIL);

    // The grant shows on the account page like any consent.
    await page.goto(`${server.url}/account`);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();

    await page.goto(`${app.url}/logout`);
    await page.getByRole('heading', { name: 'Signed out' }).waitFor();
    assert.equal(await page.textContent('#state'), 'after-logout');
    await page.goto(`${server.url}/account`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/signin', 'the TokenDealer session has ended');
  });
});
