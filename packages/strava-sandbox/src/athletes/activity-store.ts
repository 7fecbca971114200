import type { Prng } from '../random/prng.js';
import type { Activity, ActivityInput, Athlete } from './model.js';
import { composeActivity } from './activity-factory.js';

/** What changed, for webhook events: Strava announces only title, type and privacy updates. */
export type ActivityChange =
  | { aspect: 'create'; activity: Activity }
  | { aspect: 'update'; previous: Activity; activity: Activity; updates: Record<string, string> }
  | { aspect: 'delete'; activity: Activity };

export class UnknownAthlete extends Error {}
export class UnknownActivity extends Error {}

/** The athletes and their activities, in memory. */
export class ActivityStore {
  private readonly athletes = new Map<number, Athlete>();
  private readonly activities = new Map<number, Activity>();
  private nextActivityId: number;
  private readonly listeners: Array<(change: ActivityChange) => void> = [];

  constructor(
    private readonly random: Prng,
    private readonly clock: () => number,
  ) {
    this.nextActivityId = 10_000_000_000 + random.integer(0, 899_999) * 1000;
  }

  onChange(listener: (change: ActivityChange) => void): void {
    this.listeners.push(listener);
  }

  newAthleteId(): number {
    for (;;) {
      const id = this.random.integer(10_000_000, 99_999_999);
      if (!this.athletes.has(id)) return id;
    }
  }

  addAthlete(athlete: Athlete): void {
    if ([...this.athletes.values()].some((existing) => existing.username === athlete.username)) {
      throw new RangeError(`athlete username ${athlete.username} is taken`);
    }
    this.athletes.set(athlete.id, athlete);
  }

  athlete(id: number): Athlete | undefined {
    return this.athletes.get(id);
  }

  athleteByUsername(username: string): Athlete | undefined {
    return [...this.athletes.values()].find((athlete) => athlete.username === username);
  }

  listAthletes(): Athlete[] {
    return [...this.athletes.values()];
  }

  /** Seeds without events: the history existed before any application was linked. */
  seedActivities(entries: Array<{ athleteId: number; input: ActivityInput }>): void {
    const sorted = [...entries].sort((a, b) => Date.parse(a.input.start_date ?? '') - Date.parse(b.input.start_date ?? ''));
    for (const entry of sorted) this.insert(entry.athleteId, entry.input);
  }

  createActivity(athleteId: number, input: ActivityInput): Activity {
    const activity = this.insert(athleteId, input);
    this.emit({ aspect: 'create', activity });
    return activity;
  }

  updateActivity(id: number, input: ActivityInput): Activity {
    const previous = this.activities.get(id);
    if (!previous) throw new UnknownActivity(`no activity ${id}`);
    const activity: Activity = {
      ...previous,
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.sport_type !== undefined ? { sportType: input.sport_type } : {}),
      ...(input.start_date !== undefined ? { startTime: Date.parse(input.start_date) } : {}),
      ...(input.distance !== undefined ? { distance: input.distance } : {}),
      ...(input.moving_time !== undefined ? { movingTime: input.moving_time } : {}),
      ...(input.elapsed_time !== undefined ? { elapsedTime: input.elapsed_time } : {}),
      ...(input.total_elevation_gain !== undefined ? { totalElevationGain: input.total_elevation_gain } : {}),
      ...(input.private !== undefined ? { private: input.private } : {}),
      ...(input.trainer !== undefined ? { trainer: input.trainer } : {}),
      ...(input.commute !== undefined ? { commute: input.commute } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.gear_id !== undefined ? { gearId: input.gear_id } : {}),
    };
    if (input.average_heartrate !== undefined) {
      if (input.average_heartrate === null) delete activity.averageHeartrate;
      else activity.averageHeartrate = input.average_heartrate;
    }
    if (input.max_heartrate !== undefined) {
      if (input.max_heartrate === null) delete activity.maxHeartrate;
      else activity.maxHeartrate = input.max_heartrate;
    }
    this.activities.set(id, activity);
    const updates: Record<string, string> = {};
    if (activity.name !== previous.name) updates.title = activity.name;
    if (activity.sportType !== previous.sportType) updates.type = activity.sportType;
    if (activity.private !== previous.private) updates.private = String(activity.private);
    if (Object.keys(updates).length > 0) this.emit({ aspect: 'update', previous, activity, updates });
    return activity;
  }

  deleteActivity(id: number): Activity {
    const activity = this.activities.get(id);
    if (!activity) throw new UnknownActivity(`no activity ${id}`);
    this.activities.delete(id);
    this.emit({ aspect: 'delete', activity });
    return activity;
  }

  activity(id: number): Activity | undefined {
    return this.activities.get(id);
  }

  /** An athlete's activities, newest first, started strictly between `after` and `before` (epoch s). */
  listActivities(athleteId: number, filter: { before?: number; after?: number; includePrivate: boolean }): Activity[] {
    return [...this.activities.values()]
      .filter(
        (activity) =>
          activity.athleteId === athleteId &&
          (filter.includePrivate || !activity.private) &&
          (filter.before === undefined || activity.startTime < filter.before * 1000) &&
          (filter.after === undefined || activity.startTime > filter.after * 1000),
      )
      .sort((a, b) => b.startTime - a.startTime || b.id - a.id);
  }

  private insert(athleteId: number, input: ActivityInput): Activity {
    const athlete = this.athletes.get(athleteId);
    if (!athlete) throw new UnknownAthlete(`no athlete ${athleteId}`);
    this.nextActivityId += this.random.integer(1, 4000);
    const activity = composeActivity(this.nextActivityId, athlete, input, this.random, this.clock());
    this.activities.set(activity.id, activity);
    return activity;
  }

  private emit(change: ActivityChange): void {
    for (const listener of this.listeners) listener(change);
  }
}
