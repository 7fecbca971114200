// About 60 s: five athletes with five years of history each, five rounds.
import type { StravaImportPlan } from './strava-import-bench.js';

export const STRAVA_IMPORT_PLAN: StravaImportPlan = { athletes: 5, months: 60, rounds: 5 };
