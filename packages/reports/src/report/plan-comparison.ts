// A month against the runner's training plan: the sessions planned in it (rest days aside), those
// done by the plans service's own rule (a run that day covering most of the session), and the
// planned distance next to the distance run.
import { matchSessions } from '@runnerly/plans/matching';
import type { PlanWindow } from '../plans-service/plans-client.js';
import { addMonths } from './months.js';

export interface PlanComparison {
  template: { id: string; name: string };
  race: { name: string; date: string };
  /** Sessions of the month other than rest days. */
  planned_sessions: number;
  sessions_done: number;
  /** Metres: the targets of those sessions. */
  planned_distance: number;
  /** Metres: every run of the month, planned or not. */
  distance_run: number;
  /** sessions_done / planned_sessions, in whole percent. */
  completion_percent: number;
}

export interface RunOnCalendar {
  /** Wall time where the run started, 'YYYY-MM-DDTHH:MM:SS'. */
  start_date_local?: string | null;
  start_date: string;
  distance: number;
}

/** Null when the plan has no session in the month (it starts later or has ended): nothing to compare. */
export function comparePlan(month: string, plan: PlanWindow, runs: readonly RunOnCalendar[]): PlanComparison | null {
  const sessions = plan.sessions.filter((session) => session.date.startsWith(`${month}-`) && session.kind !== 'rest');
  if (sessions.length === 0) return null;
  // The month has ended: every session in it is done or missed, none still to come.
  const dayAfter = `${addMonths(month, 1)}-01`;
  const matches = matchSessions(sessions, runs.map((run) => ({ date: (run.start_date_local ?? run.start_date).slice(0, 10), distance: run.distance })), dayAfter);
  const done = sessions.filter((session) => matches.get(session.date) === true).length;
  return {
    template: plan.template,
    race: { name: plan.race.name, date: plan.race.date },
    planned_sessions: sessions.length,
    sessions_done: done,
    planned_distance: sessions.reduce((sum, session) => sum + session.distance, 0),
    distance_run: runs.reduce((sum, run) => sum + run.distance, 0),
    completion_percent: Math.round((done / sessions.length) * 100),
  };
}
