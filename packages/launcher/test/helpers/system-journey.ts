// The whole system as `npm start` runs it, used by a new runner in Chromium: sign up at the
// gateway, confirm from the mail in the outbox, sign in, connect the sandbox Strava account,
// watch the import finish, see the runs and the weekly chart, open a run, add a race, pick a plan
// and download its calendar, upload a GPX file, get the monthly report in the dashboard and the
// outbox, sign out. Each page is photographed at desktop and phone width under test-output/.
// Each variant (SQLite files; PostgreSQL and Redis) runs from a test file of its own.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Page } from 'playwright-core';
import { chromiumMissing, launchChromium, readOutbox, waitForMail, type TestBrowser } from '@runnerly/test-support';
import { lastCompletedMonth } from '@runnerly/reports';
import { freeSystemPorts, systemEnv } from './system-env.js';

const ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));
const SHOTS = join(ROOT, 'test-output', 'screenshots');
const PASSWORD = 'a long enough password for runnerly';
const run = promisify(execFile);

export interface Variant {
  name: string;
  env: Record<string, string>;
  cleanUp(): Promise<void>;
}

export const SQLITE: Variant = { name: 'sqlite', env: {}, cleanUp: async () => {} };

/** PostgreSQL (schemas of a fresh name prefix, dropped afterwards) and Redis, when the tests have them. */
export function postgresAndRedis(): Variant | undefined {
  if (!process.env.TEST_POSTGRES_URL || !process.env.TEST_REDIS_URL) return undefined;
  const prefix = `e2e_${randomBytes(4).toString('hex')}`;
  return {
    name: 'postgres-redis',
    env: { DATABASE_URL: process.env.TEST_POSTGRES_URL, REDIS_URL: process.env.TEST_REDIS_URL, RUNNERLY_NAME_PREFIX: prefix },
    async cleanUp() {
      const client = new pg.Client({ connectionString: process.env.TEST_POSTGRES_URL });
      await client.connect();
      try {
        const { rows } = await client.query<{ nspname: string }>('select nspname from pg_namespace where nspname like $1', [`${prefix}\\_%`]);
        for (const row of rows) await client.query(`drop schema ${row.nspname} cascade`);
      } finally {
        await client.end();
      }
    },
  };
}

/** A GPX file of a 5 km loop run this morning, in the month the test runs. */
function gpxRun(start: Date): string {
  const points: string[] = [];
  for (let i = 0; i <= 300; i += 1) {
    const angle = (i / 300) * 2 * Math.PI;
    const lat = 48.8566 + 0.00715 * Math.sin(angle);
    const lon = 2.3522 + 0.0108 * (1 - Math.cos(angle));
    points.push(`<trkpt lat="${lat.toFixed(6)}" lon="${lon.toFixed(6)}"><ele>${(35 + 5 * Math.sin(angle * 3)).toFixed(1)}</ele><time>${new Date(start.getTime() + i * 6000).toISOString()}</time></trkpt>`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?><gpx version="1.1" creator="runnerly-test" xmlns="http://www.topografix.com/GPX/1/1"><trk><name>Canal loop</name><type>running</type><trkseg>${points.join('')}</trkseg></trk></gpx>`;
}

async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}-desktop.png`), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: join(SHOTS, `${name}-phone.png`), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
}

export function describeJourney(variant: Variant): void {
  describe(`npm start's system used by a new runner in a browser (${variant.name})`, { skip: chromiumMissing, timeout: 600_000 }, () => {
    let system: ChildProcess;
    let output = '';
    let dataDir: string;
    let url: string;
    let sandboxUrl: string;
    let browser: TestBrowser;
    let page: Page;
    const email = `runner.${Date.now()}@example.com`;

    before(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'runnerly-system-'));
      const ports = await freeSystemPorts();
      sandboxUrl = `http://127.0.0.1:${ports.STRAVA_SANDBOX_PORT}`;
      const env = systemEnv(ports, dataDir, variant.env);
      system = spawn(process.execPath, [join(ROOT, 'packages/launcher/bin/runnerly.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      const ready = new Promise<string>((resolveUrl, reject) => {
        const timer = setTimeout(() => reject(new Error(`the system did not start in 150 s:\n${output.slice(-4000)}`)), 150_000);
        const onData = (chunk: Buffer) => {
          output += chunk.toString();
          if (output.length > 4_000_000) output = output.slice(-2_000_000);
          const match = /Runnerly is running at (\S+)/.exec(output);
          if (match) {
            clearTimeout(timer);
            resolveUrl(match[1]!);
          }
        };
        system.stdout!.on('data', onData);
        system.stderr!.on('data', onData);
        system.once('exit', (code) => reject(new Error(`the system exited (${code}):\n${output.slice(-4000)}`)));
      });
      url = await ready;
      mkdirSync(join(ROOT, 'test-output'), { recursive: true });
      browser = await launchChromium({ viewport: { width: 1280, height: 800 } });
      page = browser.context.pages()[0] ?? (await browser.context.newPage());
    });

    after(async () => {
      // The system's own log, for whoever reads a failure.
      writeFileSync(join(ROOT, 'test-output', `system-${variant.name}.log`), output);
      await browser?.close();
      if (system && system.exitCode === null) {
        const exited = new Promise((done) => system.once('exit', done));
        system.kill('SIGTERM');
        await exited;
      }
      await variant.cleanUp();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it('signs up, confirms by mail and signs in through the gateway (no consent page for the dashboard)', async () => {
      await page.goto(url);
      await page.getByRole('heading', { name: 'Runnerly' }).waitFor();
      await shoot(page, 'landing');
      await page.getByRole('link', { name: 'Sign in' }).click();
      await page.getByRole('link', { name: 'Create an account' }).click();
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.getByRole('heading', { name: 'Check your email' }).waitFor();
      const mail = await waitForMail(join(dataDir, 'outbox'), email);
      assert.ok(mail, 'the confirmation mail is in the outbox');
      await page.goto(mail.links[0]!);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Confirm' }).click();
      await page.getByRole('heading', { name: 'Email confirmed' }).waitFor();
      await page.goto(url);
      await page.getByRole('link', { name: 'Sign in' }).click();
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: /^Hello/ }).waitFor();
      assert.equal(new URL(page.url()).origin, new URL(url).origin);
      await page.getByText('No runs yet.').waitFor();
    });

    it('connects the sandbox Strava account and imports its runs', async () => {
      const [athlete] = (await (await fetch(`${sandboxUrl}/_sandbox/athletes`)).json()) as { username: string; password: string }[];
      await page.getByRole('link', { name: 'Settings' }).click();
      await page.getByRole('button', { name: 'Connect with Strava' }).click();
      await page.getByLabel('Username').fill(athlete!.username);
      await page.getByLabel('Password').fill(athlete!.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'Authorize' }).click();
      await page.waitForURL(/\/settings\?strava=linked/);
      await page.getByText(/Connected\. \d+ runs imported/).waitFor({ timeout: 60_000 });
      await shoot(page, 'settings');
    });

    it('shows the runs, this week and month, the weekly chart, and a run with its route', async () => {
      await page.getByRole('link', { name: 'Home' }).click();
      await page.getByRole('img', { name: 'Distance per week over the last 6 months' }).waitFor();
      assert.ok((await page.locator('.run-card').count()) >= 1);
      await shoot(page, 'home');
      await page.getByRole('link', { name: 'Runs', exact: true }).click();
      await page.getByRole('button', { name: 'Previous month' }).click();
      await page.locator('.run-card h3 a').first().waitFor();
      await shoot(page, 'runs');
      await page.locator('.run-card h3 a').first().click();
      await page.getByRole('link', { name: '← All runs' }).waitFor();
      assert.ok(await page.locator('svg.route path').count());
      await shoot(page, 'run');
    });

    it('adds a race, marks it, picks a plan, sees its weeks and downloads its calendar', async () => {
      await page.getByRole('link', { name: 'Races' }).click();
      const raceDate = new Date(Date.now() + 70 * 86_400_000).toISOString().slice(0, 10);
      await page.getByLabel('Name').fill('Spring 10K');
      await page.getByLabel('Date').fill(raceDate);
      await page.getByLabel('Distance').selectOption('10000');
      await page.getByLabel('Place').fill('Lyon');
      await page.getByRole('button', { name: 'Add race' }).click();
      await page.getByRole('heading', { name: 'Spring 10K' }).waitFor();
      await page.getByRole('button', { name: "I'm running it" }).click();
      await page.getByRole('button', { name: "✓ I'm running it" }).waitFor();
      await shoot(page, 'races');
      await page.getByRole('link', { name: 'Plan' }).click();
      await page.getByLabel('Plan').selectOption('10k-beginner');
      await page.getByRole('button', { name: 'Make my plan' }).click();
      await page.getByRole('heading', { name: /Week 1 \(this week\)/ }).waitFor();
      await shoot(page, 'plan');
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download calendar (.ics)' }).click()]);
      const calendar = readFileSync((await download.path())!, 'utf8');
      assert.match(calendar, /^BEGIN:VCALENDAR\r\n/);
      assert.match(calendar, /SUMMARY:Spring 10K \(10 km\)/);
    });

    it('imports an uploaded GPX file and shows it with the runs', async () => {
      const file = join(dataDir, 'canal-loop.gpx');
      const start = new Date();
      start.setUTCHours(start.getUTCDate() === 1 ? 12 : 6, 0, 0, 0);
      writeFileSync(file, gpxRun(start));
      await page.getByRole('link', { name: 'Settings' }).click();
      await page.getByLabel('Files', { exact: true }).setInputFiles(file);
      await page.getByRole('button', { name: 'Upload' }).click();
      await page.getByText(/canal-loop\.gpx: imported/).waitFor();
      await page.getByRole('link', { name: 'Runs', exact: true }).click();
      await page.getByRole('link', { name: 'Canal loop' }).waitFor();
    });

    it('builds the monthly report on request, shows it and mails it once', async () => {
      const month = lastCompletedMonth(new Date());
      const reportsDb = variant.env.DATABASE_URL
        ? (() => {
            const target = new URL(variant.env.DATABASE_URL);
            target.searchParams.set('options', `-c search_path=${variant.env.RUNNERLY_NAME_PREFIX}_reports`);
            return target.toString();
          })()
        : `sqlite:${resolve(dataDir, 'reports.sqlite')}`;
      await run(process.execPath, [join(ROOT, 'packages/reports/bin/runnerly-reports.js'), 'build', month], { env: { ...process.env, REPORTS_DB: reportsDb } });
      const deadline = Date.now() + 60_000;
      let mail;
      while (!(mail = readOutbox(join(dataDir, 'outbox')).find((message) => message.to === email && message.subject.startsWith('Your running in'))) && Date.now() < deadline) {
        await new Promise((done) => setTimeout(done, 500));
      }
      assert.ok(mail, 'the report was mailed');
      await page.getByRole('link', { name: 'Reports' }).click();
      await page.locator('.reports li').first().waitFor();
      await shoot(page, 'reports');
      assert.equal(readOutbox(join(dataDir, 'outbox')).filter((message) => message.to === email && message.subject === mail.subject).length, 1);
    });

    it('signs out: the session ends here and at TokenDealer', async () => {
      await page.getByRole('button', { name: /^Sign out/ }).click();
      await page.waitForURL(`${url}/`);
      await page.getByRole('link', { name: 'Sign in' }).waitFor();
      const session = (await (await page.request.get(`${url}/bff/session`)).json()) as { signed_in: boolean };
      assert.equal(session.signed_in, false);
    });
  });
}
