// Whether the runner did each session: a run on that day (in the runner's time zone) covering at
// least MATCH_SHARE of the planned distance (most of the race, on race day). Days still to come are
// null: nothing to say yet. Rest days are never matched. The reports service compares a month
// with the plan by this same rule (it imports it as `@runnerly/plans/matching`).

export const MATCH_SHARE = 0.6;
const RACE_SHARE = 0.9;

export interface RunOnDay {
  /** The run's local start date, 'YYYY-MM-DD'. */
  date: string;
  distance: number;
}

/** What matching needs of a planned session. */
export interface SessionToMatch {
  date: string;
  kind: string;
  /** Metres. */
  distance: number;
}

/** Each session that is not a rest day, by date: true done, false missed, null not yet due. */
export function matchSessions(sessions: readonly SessionToMatch[], runs: readonly RunOnDay[], today: string): Map<string, boolean | null> {
  const byDay = new Map<string, number>();
  for (const run of runs) byDay.set(run.date, (byDay.get(run.date) ?? 0) + run.distance);
  const matches = new Map<string, boolean | null>();
  for (const session of sessions) {
    if (session.kind === 'rest') continue;
    const share = session.kind === 'race' ? RACE_SHARE : MATCH_SHARE;
    const done = (byDay.get(session.date) ?? 0) >= session.distance * share;
    // Today is not missed yet: only a run already done counts.
    matches.set(session.date, done ? true : session.date >= today ? null : false);
  }
  return matches;
}
