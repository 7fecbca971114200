/** What the sandbox knows of an athlete; the API shapes it into Strava's representations. */
export interface Athlete {
  id: number;
  username: string;
  password: string;
  firstname: string;
  lastname: string;
  city: string;
  state: string;
  country: string;
  sex: 'M' | 'F';
  weight: number;
  /** IANA time zone of the athlete's home, used for their activities. */
  timeZone: string;
  /** [lat, lng] around which their routes run. */
  home: [number, number];
  createdAt: number;
  updatedAt: number;
}

export const SPORT_TYPES = ['Run', 'TrailRun', 'VirtualRun', 'Ride', 'VirtualRide', 'Swim', 'Walk', 'Hike', 'WeightTraining', 'Workout'] as const;
export type SportType = (typeof SPORT_TYPES)[number];

/** The deprecated `type` field: Strava maps newer sport types onto the older, coarser ones. */
export function legacyType(sportType: SportType): string {
  switch (sportType) {
    case 'TrailRun':
      return 'Run';
    default:
      return sportType;
  }
}

export interface Activity {
  id: number;
  athleteId: number;
  name: string;
  sportType: SportType;
  /** Start, epoch milliseconds (UTC). */
  startTime: number;
  timeZone: string;
  /** Metres. */
  distance: number;
  /** Seconds. */
  movingTime: number;
  elapsedTime: number;
  totalElevationGain: number;
  maxSpeed: number;
  averageHeartrate?: number;
  maxHeartrate?: number;
  averageCadence?: number;
  /** The route as [lat, lng] points; empty for manual, pool and indoor activities. */
  points: Array<[number, number]>;
  elevations: number[];
  manual: boolean;
  private: boolean;
  trainer: boolean;
  commute: boolean;
  gearId: string | null;
  description: string | null;
  calories: number;
  createdAt: number;
}

/** Fields an admin may set when creating or updating an activity. */
export interface ActivityInput {
  name?: string;
  sport_type?: SportType;
  start_date?: string;
  distance?: number;
  moving_time?: number;
  elapsed_time?: number;
  total_elevation_gain?: number;
  average_heartrate?: number | null;
  max_heartrate?: number | null;
  private?: boolean;
  manual?: boolean;
  trainer?: boolean;
  commute?: boolean;
  description?: string | null;
  gear_id?: string | null;
}
