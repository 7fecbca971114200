// A runner's plan: chosen (template and race), generated from the runner's recent running, and
// shown with each past session marked done or missed from the runner's runs.
import { ProblemError, badRequest, notFound } from '@runnerly/http-service';
import { DataServiceError, type DataServiceClient } from '../data-service/data-service-client.js';
import { findTemplate } from '../templates/catalog.js';
import { generatePlan, PlanRefused } from '../schedule/generate-plan.js';
import { addDays, daysBetween, mondayOf, todayIn } from '../schedule/local-dates.js';
import { matchSessions, type RunOnDay } from '../schedule/match-runs.js';
import { planCalendar } from '../calendar/plan-calendar.js';
import type { PlanStore, StoredPlan } from '../storage/plan-store.js';

/** Weeks of running that set a plan's starting weekly distance. */
const RECENT_WEEKS = 4;

export class PlanService {
  constructor(
    private readonly store: PlanStore,
    private readonly dataService: DataServiceClient,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The runner's time zone, or UTC when the profile cannot be read with this token. */
  private async timeZone(token: string): Promise<string> {
    try {
      return (await this.dataService.profile(token)).timezone;
    } catch (error) {
      if (error instanceof DataServiceError && error.status < 500) return 'UTC';
      throw unavailable(error);
    }
  }

  async choose(userId: string, token: string, templateId: string, raceId: string): Promise<StoredPlan> {
    const template = findTemplate(templateId);
    if (!template) throw badRequest('template_id', `no template ${templateId}; see GET /api/plans/templates`);
    let race;
    try {
      race = await this.dataService.race(token, raceId);
    } catch (error) {
      if (error instanceof DataServiceError && (error.status === 404 || error.status === 400)) throw badRequest('race_id', 'no such race');
      if (error instanceof DataServiceError && (error.status === 401 || error.status === 403)) {
        throw new ProblemError(403, 'Forbidden', 'reading the race needs a token with races:read', { type: 'urn:runnerly:problem:insufficient-scope' });
      }
      throw unavailable(error);
    }
    const today = todayIn(await this.timeZone(token), this.now());
    const thisMonday = mondayOf(today);
    let recentWeekly = 0;
    try {
      recentWeekly = await this.dataService.recentWeeklyDistance(token, addDays(thisMonday, -7 * RECENT_WEEKS), addDays(thisMonday, -1));
    } catch (error) {
      // Without runs:read the plan starts from the template's own starting distance.
      if (!(error instanceof DataServiceError && error.status < 500)) throw unavailable(error);
    }
    let generated;
    try {
      generated = generatePlan(template, race.date, today, recentWeekly);
    } catch (error) {
      if (error instanceof PlanRefused) throw badRequest('race_id', error.message);
      throw error;
    }
    return this.store.save({
      userId,
      templateId: template.id,
      race: { id: race.id, name: race.name, date: race.date, distance: race.distance },
      baseWeekly: generated.baseWeekly,
      weeks: generated.weeks,
    });
  }

  async find(userId: string): Promise<StoredPlan> {
    const plan = await this.store.find(userId);
    if (!plan) throw notFound('no plan yet: choose one with PUT');
    return plan;
  }

  /** The plan's sessions from `from` to `to` (both included), for other services: no runs, no matching. */
  async window(userId: string, from: string, to: string) {
    const plan = await this.store.find(userId);
    if (!plan) throw notFound('this runner has no plan');
    return {
      id: plan.id,
      template: { id: plan.templateId, name: findTemplate(plan.templateId)?.name ?? plan.templateId },
      race: plan.race,
      from,
      to,
      sessions: plan.weeks
        .flatMap((week) => week.sessions)
        .filter((session) => session.date >= from && session.date <= to)
        .map((session) => ({ date: session.date, kind: session.kind, title: session.title, distance: session.distance })),
      updated_at: plan.updatedAt.toISOString(),
    };
  }

  /** The plan with today, this week, and each past session marked matched or missed. */
  async view(userId: string, token: string) {
    const plan = await this.find(userId);
    const today = todayIn(await this.timeZone(token), this.now());
    // Runs matter from the plan's first day to today or its last day, whichever comes first.
    const lastDay = plan.weeks.at(-1)?.sessions.at(-1)?.date ?? today;
    const runs = await this.runsDuring(token, plan.weeks[0]?.start ?? today, today < lastDay ? today : lastDay);
    const matches = runs ? matchSessions(plan.weeks.flatMap((week) => week.sessions), runs, today) : new Map<string, boolean | null>();
    const offset = daysBetween(plan.weeks[0]?.start ?? today, today);
    const currentWeek = offset >= 0 && offset < plan.weeks.length * 7 ? Math.floor(offset / 7) : null;
    const template = findTemplate(plan.templateId);
    return {
      id: plan.id,
      template: { id: plan.templateId, name: template?.name ?? plan.templateId },
      race: plan.race,
      base_weekly_distance: plan.baseWeekly,
      today,
      current_week: currentWeek,
      weeks: plan.weeks.map((week) => ({ ...week, sessions: week.sessions.map((session) => ({ ...session, matched: matches.get(session.date) ?? null })) })),
      created_at: plan.createdAt.toISOString(),
      updated_at: plan.updatedAt.toISOString(),
    };
  }

  /** Runs from the plan's first day to today, month by month; undefined when the token may not read runs. */
  private async runsDuring(token: string, from: string, today: string): Promise<RunOnDay[] | undefined> {
    if (today < from) return [];
    const runs: RunOnDay[] = [];
    let year = Number(from.slice(0, 4));
    let month = Number(from.slice(5, 7));
    const lastYear = Number(today.slice(0, 4));
    const lastMonth = Number(today.slice(5, 7));
    try {
      while (year < lastYear || (year === lastYear && month <= lastMonth)) {
        for (const run of await this.dataService.runsOfMonth(token, year, month)) runs.push({ date: (run.start_date_local ?? run.start_date).slice(0, 10), distance: run.distance });
        month += 1;
        if (month > 12) {
          month = 1;
          year += 1;
        }
      }
    } catch (error) {
      if (error instanceof DataServiceError && error.status < 500) return undefined;
      throw unavailable(error);
    }
    return runs;
  }

  async calendar(userId: string): Promise<string> {
    const plan = await this.find(userId);
    return planCalendar({ id: plan.id, raceName: plan.race.name, templateName: findTemplate(plan.templateId)?.name ?? plan.templateId, weeks: plan.weeks, updatedAt: plan.updatedAt });
  }

  async delete(userId: string): Promise<void> {
    if (!(await this.store.delete(userId))) throw notFound('no plan to delete');
  }
}

function unavailable(error: unknown): ProblemError {
  return new ProblemError(503, 'Service Unavailable', error instanceof Error ? error.message : 'the data service is unavailable', { headers: { 'retry-after': '5' } });
}
