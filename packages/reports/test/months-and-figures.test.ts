import assert from 'node:assert/strict';
import { it } from 'node:test';
import { addMonths, lastCompletedMonth, lastDayOf, monthsFrom } from '../src/report/months.js';
import { comparePlan } from '../src/report/plan-comparison.js';
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
    plan: null,
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

it('compares a month with the plan\'s sessions by the plans service\'s rule, and has nothing to compare without sessions', () => {
  const plan = {
    template: { id: '10k-beginner', name: '10K for beginners' },
    race: { id: 'r', name: 'Race', date: '2026-11-29', distance: 10_000 },
    sessions: [
      { date: '2026-10-31', kind: 'easy', title: 'Easy run', distance: 5000 },
      { date: '2026-11-02', kind: 'easy', title: 'Easy run', distance: 5000 },
      { date: '2026-11-03', kind: 'rest', title: 'Rest', distance: 0 },
      { date: '2026-11-28', kind: 'long', title: 'Long run', distance: 10_000 },
      { date: '2026-11-29', kind: 'race', title: 'Race', distance: 10_000 },
    ],
  };
  const run = (local: string, distance: number) => ({ start_date: `${local}T06:00:00Z`, start_date_local: `${local}T23:30:00`, distance });
  // 58% of a session is not done, 60% is; the 28th's run counts on the runner's calendar (23:30 local); 8.5 km is not 90% of the race.
  assert.deepEqual(comparePlan('2026-11', plan, [run('2026-11-02', 2900), run('2026-11-28', 6000), run('2026-11-29', 8500)]), {
    template: { id: '10k-beginner', name: '10K for beginners' },
    race: { name: 'Race', date: '2026-11-29' },
    planned_sessions: 3,
    sessions_done: 1,
    planned_distance: 25_000,
    distance_run: 17_400,
    completion_percent: 33,
  });
  assert.equal(comparePlan('2026-12', plan, [run('2026-12-01', 5000)]), null);
  assert.equal(lastDayOf('2026-11'), '2026-11-30');
  assert.equal(lastDayOf('2028-02'), '2028-02-29');
});

it('leaves the plan out of the mail of a report without one, or built before plans were compared', () => {
  const report = buildReport('2026-11', [{ distance: 5000, moving_time: 1500, total_elevation_gain: 0 }], []);
  const { plan: _omitted, ...older } = report;
  for (const stored of [report, older as typeof report]) {
    const mail = reportMail(stored, 'runner@example.com', { units: 'km', name: null, dashboardUrl: 'http://127.0.0.1:8080' });
    assert.ok(!mail.text.includes('training plan'));
    assert.ok(!mail.html.includes('training plan'));
  }
});
