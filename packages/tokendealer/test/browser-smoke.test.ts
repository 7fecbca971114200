// One real browser through the pages: sign-up, confirmation from the outbox, sign-in by the
// visible labels, the account page, sign-out. Skipped with one line where Chromium is absent.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { BACKENDS } from './helpers/databases.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';
import { signUpAndConfirm } from './helpers/browser-account.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const sqlite = BACKENDS.find((backend) => backend.name === 'sqlite')!;

describe('pages in a real browser', { skip: existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}` }, () => {
  let server: TestServer;
  let profile: string;

  before(async () => {
    server = await startTestServer(sqlite);
    profile = mkdtempSync(join(tmpdir(), 'tokendealer-chromium-'));
  });
  after(async () => {
    await server.stop();
    rmSync(profile, { recursive: true, force: true });
  });

  it('signs up, confirms by the mailed link, signs in, sees the account and signs out', async () => {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      const email = `browser.${Date.now()}@runnerly.test`;
      const password = 'a long browser pass phrase';

      await page.goto(`${server.url}/signup`);
      await signUpAndConfirm(page, server.outboxDir, email, password);

      await page.goto(`${server.url}/signin`);
      if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: join(process.env.SCREENSHOT_DIR, 'tokendealer-signin.png'), fullPage: true });
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Your account' }).waitFor();
      assert.equal(new URL(page.url()).pathname, '/account');
      assert.ok((await page.textContent('main'))!.includes(email));
      assert.equal(await page.getByRole('heading', { name: 'Authorized apps' }).count(), 1);
      const cookie = (await context.cookies(server.url)).find((entry) => entry.name === 'tokendealer_session');
      assert.equal(cookie?.httpOnly, true);
      assert.equal(cookie?.sameSite, 'Lax');

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      assert.equal((await context.cookies(server.url)).some((entry) => entry.name === 'tokendealer_session'), false);
      await page.goto(`${server.url}/account`);
      assert.equal(new URL(page.url()).pathname, '/signin', 'signed out for real');
    } finally {
      await context.close();
    }
  });
});
