import type { DeclaredSport } from './activity.js';
import type { RunSport } from './types.js';

// Keys are lower-case with everything but letters and digits removed.
const RUN_SPORTS: Record<string, RunSport> = {
  run: 'Run',
  running: 'Run',
  streetrunning: 'Run',
  trackrunning: 'Run',
  roadrunning: 'Run',
  '9': 'Run', // Strava's numeric activity type in older GPX exports
  trailrun: 'TrailRun',
  trailrunning: 'TrailRun',
  trail: 'TrailRun',
  virtualrun: 'VirtualRun',
  virtualrunning: 'VirtualRun',
  treadmill: 'VirtualRun',
  treadmillrunning: 'VirtualRun',
  indoorrunning: 'VirtualRun',
  indoorrun: 'VirtualRun',
};

/** A sport named in a GPX <type>, a TCX Sport attribute or an activities.csv "Activity Type". */
export function sportFromName(name: string): DeclaredSport {
  const key = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  const run = RUN_SPORTS[key];
  return run ? { run } : { other: name.trim() };
}

/** FIT sport and sub_sport as the SDK names them ('running', 'trail', 'treadmill', 'virtualActivity'...). */
export function sportFromFit(sport: string | number | undefined, subSport: string | number | undefined): DeclaredSport {
  if (sport === undefined) return { run: 'Run' };
  if (sport !== 'running') return { other: String(sport) };
  switch (subSport) {
    case 'trail':
      return { run: 'TrailRun' };
    case 'treadmill':
    case 'virtualActivity':
    case 'indoorRunning':
      return { run: 'VirtualRun' };
    default:
      return { run: 'Run' };
  }
}

const SPORT_LABELS: Record<RunSport, string> = { Run: 'Run', TrailRun: 'Trail Run', VirtualRun: 'Virtual Run' };

export function sportLabel(sport: RunSport): string {
  return SPORT_LABELS[sport];
}
