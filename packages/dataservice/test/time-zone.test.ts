import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { periodIndex, periodsCovering } from '../src/domain/periods.js';
import { canonicalTimeZone, formatDate, formatLocal, formatUtc, monthRange, parseCalendarDate, startOfDay } from '../src/domain/time-zone.js';

describe('wall-clock arithmetic', () => {
  it('starts a month at local midnight of its first day, DST included', () => {
    // Paris is UTC+1 in March until the last Sunday, then UTC+2.
    assert.deepEqual(monthRange(2026, 3, 'Europe/Paris').map(formatUtc), ['2026-02-28T23:00:00Z', '2026-03-31T22:00:00Z']);
    assert.deepEqual(monthRange(2026, 11, 'America/New_York').map(formatUtc), ['2026-11-01T04:00:00Z', '2026-12-01T05:00:00Z']);
    assert.deepEqual(monthRange(2026, 12, 'UTC').map(formatUtc), ['2026-12-01T00:00:00Z', '2027-01-01T00:00:00Z']);
    assert.deepEqual(monthRange(2026, 1, 'Pacific/Kiritimati').map(formatUtc), ['2025-12-31T10:00:00Z', '2026-01-31T10:00:00Z']);
  });

  it('starts a day whose midnight the clock skips at the end of the gap', () => {
    // Santiago springs forward at 00:00 to 01:00 on 2026-09-06.
    assert.equal(formatLocal(startOfDay({ year: 2026, month: 9, day: 6 }, 'America/Santiago'), 'America/Santiago'), '2026-09-06T01:00:00');
  });

  it('accepts IANA names only, canonically spelled', () => {
    assert.equal(canonicalTimeZone('Europe/Paris'), 'Europe/Paris');
    assert.equal(canonicalTimeZone('UTC'), 'UTC');
    assert.equal(canonicalTimeZone('Mars/Olympus'), undefined);
    assert.equal(canonicalTimeZone('+01:00'), undefined);
    assert.equal(canonicalTimeZone(''), undefined);
  });

  it('refuses calendar days that do not exist', () => {
    assert.equal(parseCalendarDate('2026-02-29'), undefined);
    assert.deepEqual(parseCalendarDate('2028-02-29'), { year: 2028, month: 2, day: 29 });
    assert.equal(parseCalendarDate('2026-13-01'), undefined);
  });

  it('covers a range with whole ISO weeks from Monday, and finds the period of an instant', () => {
    const weeks = periodsCovering({ year: 2026, month: 3, day: 4 }, { year: 2026, month: 3, day: 16 }, 'week', 'Europe/Paris');
    assert.deepEqual(weeks.map((week) => formatDate(week.start)), ['2026-03-02', '2026-03-09', '2026-03-16']);
    // The week of the DST change is an hour shorter.
    const months = periodsCovering({ year: 2026, month: 3, day: 30 }, { year: 2026, month: 4, day: 1 }, 'month', 'Europe/Paris');
    assert.equal(months[0]!.endTime - months[0]!.startTime, 31 * 86_400 - 3600);
    assert.equal(periodIndex(months, Date.parse('2026-03-31T21:59:59Z') / 1000), 0);
    assert.equal(periodIndex(months, Date.parse('2026-03-31T22:00:00Z') / 1000), 1);
    assert.equal(periodIndex(months, Date.parse('2026-02-28T22:59:59Z') / 1000), -1);
  });
});
