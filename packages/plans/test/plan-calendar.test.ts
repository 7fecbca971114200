import assert from 'node:assert/strict';
import { it } from 'node:test';
import ICAL from 'ical.js';
import { planCalendar } from '../src/calendar/plan-calendar.js';
import { generatePlan } from '../src/schedule/generate-plan.js';
import { findTemplate } from '../src/templates/catalog.js';

it('exports the sessions as all-day events an independent iCalendar parser reads back', () => {
  const plan = generatePlan(findTemplate('5k-beginner')!, '2027-01-24', '2026-12-02', 10_000);
  const text = planCalendar({ id: 'plan-1', raceName: 'Parkrun; "New Year", Lyon', templateName: '5K for beginners', weeks: plan.weeks, updatedAt: new Date('2026-12-02T08:00:00Z') });
  // RFC 5545 section 3.1: CRLF line ends, lines of at most 75 octets.
  assert.ok(text.split('\r\n').every((line) => Buffer.byteLength(line) <= 75));
  assert.ok(!/[^\r]\n/.test(text));
  const calendar = new ICAL.Component(ICAL.parse(text));
  assert.equal(calendar.getFirstPropertyValue('version'), '2.0');
  const events = calendar.getAllSubcomponents('vevent').map((component) => new ICAL.Event(component));
  const sessions = plan.weeks.flatMap((week) => week.sessions).filter((session) => session.kind !== 'rest');
  assert.equal(events.length, sessions.length);
  const race = events.find((event) => event.uid === 'plan-1-2027-01-24@runnerly')!;
  assert.equal(race.summary, 'Parkrun; "New Year", Lyon (5 km)');
  assert.equal(race.startDate.isDate, true);
  assert.equal(race.startDate.toString(), '2027-01-24');
  assert.equal(new Set(events.map((event) => event.uid)).size, events.length, 'UIDs are unique and stable per day');
});
