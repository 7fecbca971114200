import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TEMPLATES, findTemplate } from '../src/templates/catalog.js';
import { generatePlan, MAX_WEEKLY_INCREASE, PlanRefused } from '../src/schedule/generate-plan.js';
import { addDays, weekday } from '../src/schedule/local-dates.js';

const TODAY = '2026-12-02'; // a Wednesday

describe('generatePlan', () => {
  it('never raises the training distance more than 10% over the week before, for every template and starting point', () => {
    for (const template of TEMPLATES) {
      for (const recent of [0, 5_000, 20_000, 40_000, 120_000]) {
        for (const extraWeeks of [0, 3, 10]) {
          const raceDate = addDays('2026-11-30', (template.weeks + extraWeeks - 1) * 7 + 6);
          const plan = generatePlan(template, raceDate, TODAY, recent);
          for (let week = 1; week < plan.weeks.length; week += 1) {
            const before = plan.weeks[week - 1]!.training_distance;
            const now = plan.weeks[week]!.training_distance;
            assert.ok(now <= before * (1 + MAX_WEEKLY_INCREASE) + 1e-9, `${template.id}, recent ${recent}: week ${week} goes from ${before} to ${now}`);
          }
          assert.ok(Math.max(...plan.weeks.map((week) => week.training_distance)) <= template.peakWeekly, `${template.id} stays under its peak`);
        }
      }
    }
  });

  it('starts this week on Monday and ends with the race on race day, resting the day before', () => {
    const template = findTemplate('10k-beginner')!;
    const plan = generatePlan(template, '2027-02-07', TODAY, 15_000);
    assert.equal(plan.start, '2026-11-30');
    assert.equal(plan.weeks.length, 10);
    const last = plan.weeks.at(-1)!;
    assert.equal(last.phase, 'race');
    const race = last.sessions.find((session) => session.kind === 'race')!;
    assert.deepEqual([race.date, race.distance, race.title], ['2027-02-07', 10_000, 'Race day']);
    assert.equal(last.sessions.find((session) => session.date === '2027-02-06')!.kind, 'rest');
    for (const week of plan.weeks) {
      assert.equal(week.sessions.length, 7);
      assert.equal(weekday(week.start), 1);
    }
  });

  it('builds from the runner\'s recent weekly distance, within the template\'s range', () => {
    const template = findTemplate('half-intermediate')!;
    assert.equal(generatePlan(template, '2027-03-28', TODAY, 10_000).baseWeekly, template.startWeekly);
    assert.equal(generatePlan(template, '2027-03-28', TODAY, 40_000).baseWeekly, 40_000);
    assert.equal(generatePlan(template, '2027-03-28', TODAY, 90_000).baseWeekly, template.peakWeekly);
    const plan = generatePlan(template, '2027-03-28', TODAY, 40_000);
    assert.ok(plan.weeks[0]!.training_distance <= 40_000 && plan.weeks[0]!.training_distance > 37_000);
  });

  it('tapers the final weeks and gives each template its kinds of session', () => {
    const plan = generatePlan(findTemplate('marathon-intermediate')!, '2027-03-21', TODAY, 50_000);
    assert.deepEqual(plan.weeks.slice(-3).map((week) => week.phase), ['taper', 'taper', 'race']);
    const kinds = new Set(plan.weeks[2]!.sessions.map((session) => session.kind));
    assert.deepEqual([...kinds].sort(), ['easy', 'intervals', 'long', 'rest', 'tempo']);
    const longest = Math.max(...plan.weeks.flatMap((week) => week.sessions.filter((session) => session.kind === 'long').map((session) => session.distance)));
    assert.ok(longest <= 34_000);
  });

  it('refuses a race in the past, too soon for the template, or more than a year away, naming the field', () => {
    const template = findTemplate('marathon-beginner')!;
    const refused = (raceDate: string): string => {
      try {
        generatePlan(template, raceDate, TODAY, 0);
      } catch (error) {
        assert.ok(error instanceof PlanRefused);
        assert.equal(error.field, 'race_date');
        return error.message;
      }
      return assert.fail('not refused');
    };
    assert.equal(refused('2026-12-01'), 'the race is in the past');
    assert.equal(refused('2027-01-10'), 'the race is in 6 week(s); Marathon for beginners needs at least 10');
    assert.equal(refused('2028-01-10'), 'the race is more than 52 weeks away');
  });
});
