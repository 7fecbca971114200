// Whether the runner did each session: a run on that day (in the runner's time zone) covering at
// least MATCH_SHARE of the planned distance (most of the race, on race day). Days still to come are
// null: nothing to say yet. Rest days are never matched.
import type { PlannedWeek } from './generate-plan.js';

export const MATCH_SHARE = 0.6;
const RACE_SHARE = 0.9;

export interface RunOnDay {
  /** The run's local start date, 'YYYY-MM-DD'. */
  date: string;
  distance: number;
}

export function matchSessions(weeks: readonly PlannedWeek[], runs: readonly RunOnDay[], today: string): Map<string, boolean | null> {
  const byDay = new Map<string, number>();
  for (const run of runs) byDay.set(run.date, (byDay.get(run.date) ?? 0) + run.distance);
  const matches = new Map<string, boolean | null>();
  for (const session of weeks.flatMap((week) => week.sessions)) {
    if (session.kind === 'rest') continue;
    const share = session.kind === 'race' ? RACE_SHARE : MATCH_SHARE;
    const done = (byDay.get(session.date) ?? 0) >= session.distance * share;
    // Today is not missed yet: only a run already done counts.
    matches.set(session.date, done ? true : session.date >= today ? null : false);
  }
  return matches;
}
