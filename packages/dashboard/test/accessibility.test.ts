// Every dashboard page checked by axe-core against the WCAG 2.0/2.1 A and AA rules, at desktop
// width and on a 390 px phone (where nothing may scroll sideways), and the home page walked with
// the keyboard. axe is injected as a script, which the dashboard's CSP forbids: only this test's
// browser bypasses CSP.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { chromiumMissing, launchChromium, type TestBrowser } from '@runnerly/test-support';
import { PASSWORD } from './helpers.js';
import { startWholeDashboard, type WholeDashboard } from './whole-dashboard.js';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

interface Focused {
  name: string;
  outline: string;
  outlineColor: string;
  visible: boolean;
}

// The focused element: its text, its outline, and whether it is on screen.
const FOCUSED = `(() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const box = element.getBoundingClientRect();
  return {
    name: element.textContent.trim(),
    outline: style.outlineStyle === 'none' ? 'none' : style.outlineWidth + ' ' + style.outlineStyle,
    outlineColor: style.outlineColor,
    visible: box.width > 0 && box.height > 0 && box.left >= 0 && box.top >= 0 && box.right <= window.innerWidth,
  };
})()`;

/** WCAG's contrast ratio of two opaque colours given as CSS rgb(). */
function contrast(a: string, b: string): number {
  const luminance = (color: string) => {
    const [r, g, bl] = (color.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((part) => {
      const c = Number(part) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light! + 0.05) / (dark! + 0.05);
}

interface Violation {
  id: string;
  help: string;
  targets: string[];
}

/** The page's WCAG A/AA violations, one line each (rule, help, the elements). */
async function axeViolations(page: Page): Promise<Violation[]> {
  // (Browser-side code as strings: this package's tests compile without the DOM's types.)
  if (!(await page.evaluate<boolean>("'axe' in window"))) await page.addScriptTag({ content: AXE_SOURCE });
  return page.evaluate<Violation[]>(`axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(WCAG_TAGS)} }, resultTypes: ['violations'] })
    .then((result) => result.violations.map((v) => ({ id: v.id, help: v.help, targets: v.nodes.map((node) => node.target.map(String).join(' ')) })))`);
}

const describeViolations = (violations: Violation[]) => violations.map((v) => `${v.id}: ${v.help}\n    ${v.targets.join('\n    ')}`).join('\n');

/** Checks the page as shown now at both widths; the last width left set is the phone's. */
async function checkPage(page: Page, name: string, title: string): Promise<void> {
  assert.equal(await page.title(), title, `${name} names itself in the title`);
  await page.setViewportSize(DESKTOP);
  const desktop = await axeViolations(page);
  assert.deepEqual(desktop, [], `${name} at ${DESKTOP.width} px:\n${describeViolations(desktop)}`);
  await page.setViewportSize(PHONE);
  const phone = await axeViolations(page);
  assert.deepEqual(phone, [], `${name} at ${PHONE.width} px:\n${describeViolations(phone)}`);
  const width = await page.evaluate<number>('document.documentElement.scrollWidth');
  assert.ok(width <= PHONE.width, `${name} scrolls sideways at ${PHONE.width} px (${width} px wide)`);
}

/** Waits until the page headed `heading` shows its data (`ready`, and no "Loading…" left). */
async function shown(page: Page, heading: string, ready: string): Promise<void> {
  await page.getByRole('heading', { level: 1, name: heading, exact: true }).waitFor();
  await page.locator(ready).first().waitFor();
  await page.getByRole('status').filter({ hasText: 'Loading' }).waitFor({ state: 'detached' });
}

/** Loads a page from the server (axe is injected again). */
async function load(page: Page, url: string, heading: string, ready: string): Promise<void> {
  await page.setViewportSize(DESKTOP);
  await page.goto(url);
  await shown(page, heading, ready);
}

/** Follows a link of the main navigation: the app changes page without a load, axe stays. */
async function follow(page: Page, link: string, heading: string, ready: string): Promise<void> {
  await page.setViewportSize(DESKTOP);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link, exact: true }).click();
  await shown(page, heading, ready);
}

async function signIn(page: Page, url: string, email: string): Promise<void> {
  // Whoever was signed in before (a test that failed half-way) is forgotten.
  await page.context().clearCookies();
  await page.goto(url);
  await page.getByRole('link', { name: 'Sign in' }).click();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${url}/`);
}

describe('the dashboard is accessible (WCAG 2.1 A/AA) and usable on a 390 px phone', { skip: chromiumMissing }, () => {
  let system: WholeDashboard;
  let browser: TestBrowser;
  let page: Page;

  before(async () => {
    system = await startWholeDashboard();
    browser = await launchChromium({ viewport: DESKTOP, bypassCSP: true });
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    // A page that never shows what is awaited fails its test well before the file's time is up.
    page.setDefaultTimeout(15_000);
  });
  after(async () => {
    await browser?.close();
    await system?.stop();
  });

  it('the sign-in landing page', async () => {
    await load(page, system.url, 'Runnerly', '.landing a');
    await checkPage(page, 'sign-in landing', 'Runnerly');
  });

  it('a newcomer\'s pages: empty home, no plan yet, no reports, settings', async () => {
    await signIn(page, system.url, system.newcomer.email);
    await shown(page, 'Hello', '.state.empty');
    await checkPage(page, 'home without runs', 'Home – Runnerly');
    await follow(page, 'Plan', 'Training plan', 'select[name=template_id]');
    await checkPage(page, 'plan, choosing one', 'Training plan – Runnerly');
    await follow(page, 'Reports', 'Monthly reports', '.state.empty');
    await checkPage(page, 'reports without any', 'Monthly reports – Runnerly');
    await follow(page, 'Settings', 'Settings', 'button.strava');
    await checkPage(page, 'settings', 'Settings – Runnerly');
    // A value the data service refuses (past the browser's own checks): the field says it is wrong, and why.
    await page.evaluate("document.querySelector('form[aria-labelledby=profile-title]').noValidate = true");
    const birthYear = page.getByRole('spinbutton', { name: 'Birth year' });
    await birthYear.fill('1800');
    await page.getByRole('button', { name: 'Save profile' }).click();
    const refusal = await page.getByRole('alert').textContent();
    assert.match(refusal ?? '', /birth_year/);
    assert.equal(await birthYear.getAttribute('aria-invalid'), 'true');
    const describedBy = await birthYear.getAttribute('aria-describedby');
    assert.ok(describedBy, 'the field names the message about it');
    assert.equal(await page.locator(`#${describedBy}`).textContent(), refusal);
    await checkPage(page, 'settings refusing a field', 'Settings – Runnerly');
    await page.getByRole('button', { name: /^Sign out/ }).click();
    await page.waitForURL(`${system.url}/`);
  });

  it('a runner\'s pages: home, a run, a month of runs, races, plan, reports (with the month against the plan)', async () => {
    await signIn(page, system.url, system.runner.email);
    await shown(page, 'Hello', '.run-card');
    await checkPage(page, 'home', 'Home – Runnerly');
    await page.setViewportSize(DESKTOP);
    await page.getByRole('link', { name: 'Morning run 1' }).click();
    await shown(page, 'Morning run 1', 'svg.route');
    await checkPage(page, 'a run', 'Run – Runnerly');
    const { year, month } = system.runner.month;
    await load(page, `${system.url}/runs?year=${year}&month=${month}`, 'Runs', '.run-card');
    await checkPage(page, 'runs of a month', 'Runs – Runnerly');
    await follow(page, 'Races', 'Races', '.races .card');
    await checkPage(page, 'races', 'Races – Runnerly');
    await follow(page, 'Plan', 'Training plan', '.weeks');
    await checkPage(page, 'plan', 'Training plan – Runnerly');
    await follow(page, 'Reports', 'Monthly reports', '.reports .plan-comparison');
    await checkPage(page, 'reports', 'Monthly reports – Runnerly');
  });

  // The runner signed in above stays signed in for the keyboard tests.
  it('walks the home page with Tab: skip link first, then every main link and sign-out, each with a visible focus ring', async () => {
    await load(page, `${system.url}/`, 'Hello', '.run-card');
    await page.evaluate('document.activeElement?.blur()');
    const reached: Focused[] = [];
    for (let i = 0; i < 9; i += 1) {
      await page.keyboard.press('Tab');
      reached.push(await page.evaluate<Focused>(FOCUSED));
    }
    assert.deepEqual(
      reached.map((each) => each.name),
      ['Skip to content', 'Home', 'Runs', 'Races', 'Plan', 'Reports', 'Settings', `Sign out (${system.runner.email})`, 'Morning run 1'],
    );
    for (const each of reached) {
      assert.equal(each.outline, '3px solid', `${each.name} shows where the focus is`);
      // WCAG 1.4.11: a focus indicator needs 3:1 against what it is drawn on (the header and cards are white).
      assert.ok(contrast(each.outlineColor, 'rgb(255, 255, 255)') >= 3, `${each.name}'s focus ring (${each.outlineColor}) stands out: ${contrast(each.outlineColor, 'rgb(255, 255, 255)').toFixed(2)}:1`);
      assert.equal(each.visible, true, `${each.name} is on screen when focused`);
    }
    // The skip link moves the focus past the header, to the page's content.
    for (let i = 0; i < 8; i += 1) await page.keyboard.press('Shift+Tab');
    assert.equal(await page.evaluate<string>('document.activeElement?.textContent'), 'Skip to content');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate<string>('document.activeElement?.id'), 'main');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate<string>('document.activeElement?.textContent'), 'Morning run 1', 'the next Tab is in the content');
  });

  it('after a page change from the keyboard, names the new page in the title and starts reading at its content', async () => {
    await load(page, `${system.url}/`, 'Hello', '.run-card');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Races' }).focus();
    await page.keyboard.press('Enter');
    await shown(page, 'Races', '.races .card');
    // (The title is set just after the new page renders, in the same effect that moves the focus.)
    await page.waitForFunction("document.title !== 'Home – Runnerly'");
    assert.equal(await page.title(), 'Races – Runnerly');
    assert.equal(await page.evaluate<string>('document.activeElement?.id'), 'main');
    assert.equal(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Races' }).getAttribute('aria-current'), 'page');
  });
});
