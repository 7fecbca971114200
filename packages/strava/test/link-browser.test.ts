// The link as a runner does it: Chromium follows the authorize URL to the sandbox's sign-in and
// consent pages and Strava's redirect back to the callback.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type BrowserContext } from 'playwright-core';
import { sqliteBackend } from '@runnerly/database/testing';
import { newRunner, startHarness, type Harness } from './helpers/strava-harness.js';
import { until } from './helpers/until.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe('linking through the browser', () => {
  let harness: Harness;
  let context: BrowserContext;
  let profile: string;
  before(async () => {
    harness = await startHarness({ backend: sqliteBackend, servicePublicUrl: true, realClock: true });
    profile = mkdtempSync(join(tmpdir(), 'strava-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });
  after(async () => {
    await context?.close();
    await harness?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it("sends back an athlete who unticks activity access with what is missing, and links one who approves", async () => {
    const runner = newRunner();
    const athlete = harness.sandbox.admin.athletes()[1]!;
    const started = await fetch(`${harness.url}/api/strava/users/me/link`, {
      method: 'POST',
      headers: { authorization: `Bearer ${harness.userToken(runner)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ return_to: `${harness.url}/settings` }),
    });
    const { authorize_url: authorizeUrl } = (await started.json()) as { authorize_url: string };
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(authorizeUrl);
    await page.fill('input[name=username]', athlete.username);
    await page.fill('input[name=password]', athlete.password);
    await page.click('button[type=submit]');
    // Consent: untick activity access (the only activity scope asked for).
    await page.waitForSelector('button[value=authorize]');
    const readAll = page.locator('input[name=granted][value="activity:read_all"]');
    if ((await readAll.count()) > 0) await readAll.uncheck();
    await Promise.all([page.waitForURL(/strava=/), page.click('button[value=authorize]')]);
    const back = new URL(page.url());
    assert.equal(`${back.origin}${back.pathname}`, `${harness.url}/settings`);
    assert.equal(back.searchParams.get('strava'), 'error');
    assert.equal(back.searchParams.get('reason'), 'missing_scope');
    assert.equal(back.searchParams.get('missing'), 'activity:read_all');

    // Again, approving everything: linked.
    const again = await fetch(`${harness.url}/api/strava/users/me/link`, { method: 'POST', headers: { authorization: `Bearer ${harness.userToken(runner)}` } });
    await page.goto(((await again.json()) as { authorize_url: string }).authorize_url);
    await page.waitForSelector('button[value=authorize]');
    await Promise.all([page.waitForURL(/strava=/), page.click('button[value=authorize]')]);
    assert.equal(new URL(page.url()).searchParams.get('strava'), 'linked');
    const status = await until(() => harness.status(runner), (value) => value.state === 'idle', 'the import to finish');
    assert.equal(status.athlete_id, athlete.id);
  });
});
