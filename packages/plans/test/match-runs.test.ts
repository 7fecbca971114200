import assert from 'node:assert/strict';
import { it } from 'node:test';
import { matchSessions } from '../src/schedule/match-runs.js';
import type { PlannedWeek } from '../src/schedule/generate-plan.js';

it('marks past sessions done or missed, and leaves today open until a run covers it', () => {
  const session = (date: string, distance: number) => ({ date, kind: 'easy' as const, title: 'Easy run', description: '', distance });
  const weeks: PlannedWeek[] = [
    { index: 0, start: '2026-11-30', phase: 'build', distance: 0, training_distance: 0, sessions: [session('2026-12-01', 5000), session('2026-12-03', 5000), session('2026-12-06', 8000), session('2026-12-08', 5000)] },
  ];
  const matches = matchSessions(weeks.flatMap((week) => week.sessions), [{ date: '2026-12-01', distance: 3000 }, { date: '2026-12-01', distance: 1000 }], '2026-12-06');
  assert.deepEqual([...matches.entries()], [
    ['2026-12-01', true],
    ['2026-12-03', false],
    ['2026-12-06', null],
    ['2026-12-08', null],
  ]);
  assert.equal(matchSessions(weeks.flatMap((week) => week.sessions), [{ date: '2026-12-06', distance: 8000 }], '2026-12-06').get('2026-12-06'), true);
});
