// The authorize page in a real browser: an athlete signs in, unticks a scope, and the granted
// scope on the redirect (and the token's powers) reflect it; Cancel sends access_denied back.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { apiGet, CLIENT_ID, exchangeCode, startSandbox, type RunningSandbox } from './helpers/sandbox.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe('authorize page in Chromium', { skip: existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}` }, () => {
  let running: RunningSandbox;
  let app: Server;
  let redirectUri: string;
  let profile: string;
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    running = await startSandbox({ rateLimits: false });
    // The application's callback: it only has to answer, the test reads the browser's URL.
    app = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end('<h1>Back in the app</h1>'));
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    const address = app.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    redirectUri = `http://127.0.0.1:${address.port}/strava/callback`;
    profile = mkdtempSync(join(tmpdir(), 'strava-sandbox-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    page = context.pages()[0] ?? (await context.newPage());
  });
  after(async () => {
    await context?.close();
    await new Promise((resolve) => app?.close(resolve));
    await running?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  const authorizeUrl = (state: string, prompt = 'force') =>
    `${running.url}/oauth/authorize?${new URLSearchParams({ client_id: CLIENT_ID, redirect_uri: redirectUri, response_type: 'code', approval_prompt: prompt, scope: 'read,activity:read_all', state })}`;

  it('signs in, unticks activity:read_all, and the granted scope and token reflect it', async () => {
    const athlete = running.sandbox.admin.athletes()[0]!;
    await page.goto(authorizeUrl('s1'));
    await page.getByLabel('Username').fill(athlete.username);
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    assert.equal(await page.getByRole('alert').textContent(), 'Wrong username or password.');

    await page.getByLabel('Username').fill(athlete.username);
    await page.getByLabel('Password').fill(athlete.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Authorize' }).waitFor();
    const readAll = page.getByRole('checkbox', { name: /activity:read_all/ });
    assert.equal(await readAll.isChecked(), true);
    assert.equal(await page.getByRole('checkbox', { name: /\bread\b \(required\)/ }).isDisabled(), true);
    await readAll.uncheck();
    await page.getByRole('button', { name: 'Authorize' }).click();
    await page.getByRole('heading', { name: 'Back in the app' }).waitFor();

    const back = new URL(page.url());
    assert.equal(back.origin + back.pathname, redirectUri);
    assert.equal(back.searchParams.get('state'), 's1');
    assert.equal(back.searchParams.get('scope'), 'read');
    const tokens = await exchangeCode(running.url, back.searchParams.get('code')!);
    assert.equal(tokens.athlete?.id, athlete.id);
    const activities = await apiGet(running.url, '/athlete/activities', tokens.access_token);
    assert.equal(activities.status, 401, 'read alone does not reach activities');
    assert.deepEqual(activities.body, { message: 'Authorization Error', errors: [{ resource: 'AccessToken', field: 'activity:read_permission', code: 'missing' }] });
    assert.equal((await apiGet(running.url, '/athlete', tokens.access_token)).status, 200);
  });

  it('Cancel sends error=access_denied with the state back', async () => {
    await page.goto(authorizeUrl('s2'));
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('heading', { name: 'Back in the app' }).waitFor();
    const back = new URL(page.url());
    assert.equal(back.searchParams.get('error'), 'access_denied');
    assert.equal(back.searchParams.get('state'), 's2');
    assert.equal(back.searchParams.get('code'), null);
  });

  it('approval_prompt=auto skips the page when every requested scope is already granted', async () => {
    await page.goto(authorizeUrl('s3'));
    await page.getByRole('button', { name: 'Authorize' }).click();
    await page.getByRole('heading', { name: 'Back in the app' }).waitFor();
    assert.equal(new URL(page.url()).searchParams.get('scope'), 'read,activity:read_all');

    await page.goto(authorizeUrl('s4', 'auto'));
    await page.getByRole('heading', { name: 'Back in the app' }).waitFor();
    const back = new URL(page.url());
    assert.equal(back.searchParams.get('state'), 's4');
    assert.equal(back.searchParams.get('scope'), 'read,activity:read_all');
    const tokens = await exchangeCode(running.url, back.searchParams.get('code')!);
    assert.equal((await apiGet(running.url, '/athlete/activities', tokens.access_token)).status, 200);
  });
});
