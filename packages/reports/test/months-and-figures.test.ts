import assert from 'node:assert/strict';
import { it } from 'node:test';
import { addMonths, lastCompletedMonth, monthsFrom } from '../src/report/months.js';
import { buildReport } from '../src/report/build-report.js';
import { reportMail } from '../src/report/report-mail.js';

it('builds a month once it has ended in every time zone: at 12:00 UTC on the first of the next', () => {
  assert.equal(lastCompletedMonth(new Date('2026-12-01T11:59:59Z')), '2026-10');
  assert.equal(lastCompletedMonth(new Date('2026-12-01T12:00:00Z')), '2026-11');
  assert.equal(lastCompletedMonth(new Date('2027-01-15T00:00:00Z')), '2026-12');
  assert.equal(addMonths('2026-12', 1), '2027-01');
  assert.equal(addMonths('2027-01', -1), '2026-12');
  assert.deepEqual(monthsFrom('2026-11', '2027-02'), ['2026-11', '2026-12', '2027-01', '2027-02']);
  assert.deepEqual(monthsFrom('2027-02', '2027-01'), []);
});

it('sums a month and compares it with the month before', () => {
  const run = (km: number, minutes: number, climb = 0) => ({ distance: km * 1000, moving_time: minutes * 60, total_elevation_gain: climb });
  const report = buildReport('2026-11', [run(10, 50, 40), run(21.1, 110, 120), run(5, 25)], [run(10, 55), run(10, 55)]);
  assert.deepEqual(report, {
    month: '2026-11',
    distance: 36_100,
    run_count: 3,
    moving_time: 185 * 60,
    average_speed: 36_100 / (185 * 60),
    longest_run: 21_100,
    elevation_gain: 160,
    previous_month: { distance: 20_000, run_count: 2, moving_time: 110 * 60 },
    distance_change_percent: 80.5,
  });
  assert.equal(buildReport('2026-11', [run(5, 30)], []).previous_month, null);
});

it('mails the report as HTML and text in the runner\'s units, escaping the name', () => {
  const report = buildReport('2026-11', [{ distance: 16_093.44, moving_time: 4800, total_elevation_gain: 10 }], []);
  const mail = reportMail(report, 'runner@example.com', { units: 'mi', name: '<Ann>', dashboardUrl: 'http://127.0.0.1:8080' });
  assert.equal(mail.subject, 'Your running in November 2026');
  assert.match(mail.text, /Distance: 10\.0 mi/);
  assert.match(mail.text, /Average pace: 8:00 min\/mi/);
  assert.match(mail.html, /Hello &#60;Ann&#62;,/);
  assert.deepEqual(mail.links, ['http://127.0.0.1:8080/reports']);
});
