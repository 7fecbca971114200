import { createPrng, type Prng } from '../random/prng.js';
import type { ActivityInput, Athlete, SportType } from './model.js';
import { utcOffsetSeconds } from './local-time.js';

/** An athlete to seed; without `activities`, months of them are generated. */
export interface AthleteSeed {
  username: string;
  password: string;
  firstname: string;
  lastname: string;
  sex?: 'M' | 'F';
  /** One of the sandbox's cities (Paris, Boston, Melbourne, Berlin, Boulder); default Paris. */
  city?: string;
  activities?: ActivityInput[];
}

export interface SeedOptions {
  /** How many default athletes (at most 5), or exactly these. Default 3. */
  athletes?: number | AthleteSeed[];
  /** Months of generated history, ending the day before the clock's today. Default 4. */
  months?: number;
  /** Seed of the pseudo-random generator: the same seed and clock give the same data. Default 1. */
  random?: number;
}

interface City {
  city: string;
  state: string;
  country: string;
  timeZone: string;
  home: [number, number];
}

export const CITIES: readonly City[] = [
  { city: 'Paris', state: 'Île-de-France', country: 'France', timeZone: 'Europe/Paris', home: [48.8462, 2.3371] },
  { city: 'Boston', state: 'Massachusetts', country: 'United States', timeZone: 'America/New_York', home: [42.3554, -71.0656] },
  { city: 'Melbourne', state: 'Victoria', country: 'Australia', timeZone: 'Australia/Melbourne', home: [-37.8303, 144.9796] },
  { city: 'Berlin', state: 'Berlin', country: 'Germany', timeZone: 'Europe/Berlin', home: [52.5145, 13.3501] },
  { city: 'Boulder', state: 'Colorado', country: 'United States', timeZone: 'America/Denver', home: [40.0149, -105.2705] },
];

export const DEFAULT_ATHLETES: readonly AthleteSeed[] = [
  { username: 'amelie', password: 'amelie-runs-paris', firstname: 'Amélie', lastname: 'Laurent', sex: 'F', city: 'Paris' },
  { username: 'marcus', password: 'marcus-runs-boston', firstname: 'Marcus', lastname: 'Webb', sex: 'M', city: 'Boston' },
  { username: 'yuki', password: 'yuki-runs-melbourne', firstname: 'Yuki', lastname: 'Tanaka', sex: 'F', city: 'Melbourne' },
  { username: 'lena', password: 'lena-runs-berlin', firstname: 'Lena', lastname: 'Vogel', sex: 'F', city: 'Berlin' },
  { username: 'diego', password: 'diego-runs-boulder', firstname: 'Diego', lastname: 'Ramos', sex: 'M', city: 'Boulder' },
];

export function athleteSeeds(option: SeedOptions['athletes']): AthleteSeed[] {
  if (Array.isArray(option)) return option;
  const count = option ?? 3;
  if (!Number.isInteger(count) || count < 0 || count > DEFAULT_ATHLETES.length) {
    throw new RangeError(`seed.athletes must be an integer from 0 to ${DEFAULT_ATHLETES.length}, or a list of athletes`);
  }
  return DEFAULT_ATHLETES.slice(0, count);
}

export function cityNamed(name: string | undefined): City {
  const city = CITIES.find((entry) => entry.city === (name ?? 'Paris'));
  if (!city) throw new RangeError(`unknown city ${name}; one of ${CITIES.map((entry) => entry.city).join(', ')}`);
  return city;
}

export function seedAthlete(seed: AthleteSeed, id: number, random: Prng, now: number): Athlete {
  const city = cityNamed(seed.city);
  const createdAt = now - random.integer(400, 3000) * 86_400_000;
  return {
    id,
    username: seed.username,
    password: seed.password,
    firstname: seed.firstname,
    lastname: seed.lastname,
    city: city.city,
    state: city.state,
    country: city.country,
    sex: seed.sex ?? 'F',
    weight: Math.round(random.between(52, 82) * 10) / 10,
    timeZone: city.timeZone,
    home: city.home,
    createdAt,
    updatedAt: createdAt,
  };
}

const CUSTOM_RUN_NAMES = ['Long Run', 'Tempo Tuesday', 'Intervals 6x800 m', 'Recovery jog', 'parkrun', 'Hill repeats', 'Easy miles with the club'];

/** The epoch ms of a local wall-clock time in a zone (good to the minute outside DST switches). */
function localToEpoch(timeZone: string, dayUtcMidnight: number, hour: number, minute: number): number {
  const guess = dayUtcMidnight + (hour * 60 + minute) * 60_000;
  return guess - utcOffsetSeconds(timeZone, guess) * 1000;
}

/**
 * A runner's training history: four or five runs a week (a long run on Sundays, some trail and
 * treadmill runs), a ride or a swim now and then, a few private and manual entries.
 */
export function generateHistory(athlete: Athlete, months: number, random: Prng, now: number): ActivityInput[] {
  const today = Math.floor(now / 86_400_000) * 86_400_000;
  const days = Math.round(months * 30.44);
  const easyPace = random.between(300, 380); // seconds per km
  const inputs: ActivityInput[] = [];
  for (let back = days; back >= 1; back--) {
    const day = today - back * 86_400_000;
    const weekday = new Date(day).getUTCDay();
    const longRunDay = weekday === 0;
    if (longRunDay || random.chance(0.55)) {
      const hour = random.chance(0.6) ? random.integer(6, 8) : random.chance(0.35) ? 12 : random.integer(17, 19);
      const start = localToEpoch(athlete.timeZone, day, hour, random.integer(0, 59));
      const sportType: SportType = longRunDay ? 'Run' : random.chance(0.1) ? 'TrailRun' : random.chance(0.09) ? 'VirtualRun' : 'Run';
      const distance = longRunDay ? random.between(15_000, 26_000) : random.between(5_000, 12_500);
      const pace = easyPace * (sportType === 'TrailRun' ? random.between(1.15, 1.35) : longRunDay ? random.between(1.02, 1.1) : random.between(0.88, 1.05));
      const manual = random.chance(0.03);
      inputs.push({
        ...(longRunDay ? { name: 'Long Run' } : random.chance(0.12) ? { name: random.pick(CUSTOM_RUN_NAMES) } : {}),
        sport_type: sportType,
        start_date: new Date(start).toISOString(),
        distance,
        moving_time: (distance / 1000) * pace,
        ...(sportType === 'TrailRun' ? { total_elevation_gain: (distance / 1000) * random.between(25, 60) } : {}),
        ...(random.chance(0.12) && !manual ? { average_heartrate: null } : {}),
        private: random.chance(0.08),
        manual,
        ...(random.chance(0.1) ? { description: random.pick(['Felt strong today.', 'Legs heavy after yesterday.', 'Windy along the river.', 'New shoes!']) } : {}),
      });
    } else if (random.chance(0.2)) {
      const ride = random.chance(0.65);
      const start = localToEpoch(athlete.timeZone, day, random.integer(7, 18), random.integer(0, 59));
      inputs.push(
        ride
          ? { sport_type: 'Ride', start_date: new Date(start).toISOString(), distance: random.between(18_000, 60_000), moving_time: random.between(2400, 7800), commute: random.chance(0.3) }
          : { sport_type: 'Swim', start_date: new Date(start).toISOString(), distance: random.pick([1500, 2000, 2500, 3000]), moving_time: random.between(1700, 3600) },
      );
    }
  }
  return inputs;
}

export function seedRandom(options: SeedOptions | undefined): Prng {
  return createPrng(options?.random ?? 1);
}
