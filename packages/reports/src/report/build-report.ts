// A runner's month in figures, compared with the month before and with the runner's training plan.
import type { PlanComparison } from './plan-comparison.js';

export interface RunFigures {
  distance: number;
  moving_time: number;
  total_elevation_gain: number;
}

export interface MonthFigures {
  distance: number;
  run_count: number;
  moving_time: number;
  /** m/s over the month: distance / moving time. */
  average_speed: number;
  longest_run: number;
  elevation_gain: number;
}

export interface MonthlyReport extends MonthFigures {
  month: string;
  previous_month: { distance: number; run_count: number; moving_time: number } | null;
  /** Change in distance from the month before, in percent; null when there was none. */
  distance_change_percent: number | null;
  /** The month against the runner's training plan; null without a plan for the month. */
  plan: PlanComparison | null;
}

export function monthFigures(runs: readonly RunFigures[]): MonthFigures {
  const distance = runs.reduce((sum, run) => sum + run.distance, 0);
  const movingTime = runs.reduce((sum, run) => sum + run.moving_time, 0);
  return {
    distance,
    run_count: runs.length,
    moving_time: movingTime,
    average_speed: movingTime > 0 ? distance / movingTime : 0,
    longest_run: runs.reduce((longest, run) => Math.max(longest, run.distance), 0),
    elevation_gain: runs.reduce((sum, run) => sum + run.total_elevation_gain, 0),
  };
}

export function buildReport(month: string, runs: readonly RunFigures[], previousRuns: readonly RunFigures[], plan: PlanComparison | null = null): MonthlyReport {
  const figures = monthFigures(runs);
  const previous = previousRuns.length > 0 ? monthFigures(previousRuns) : undefined;
  return {
    month,
    ...figures,
    previous_month: previous ? { distance: previous.distance, run_count: previous.run_count, moving_time: previous.moving_time } : null,
    distance_change_percent: previous && previous.distance > 0 ? Math.round(((figures.distance - previous.distance) / previous.distance) * 1000) / 10 : null,
    plan,
  };
}
