// The Strava import section of docs/benchmarks.md.
import type { StravaImportResults } from './strava-import-bench.js';

const num = (value: number) => Math.round(value).toLocaleString('en-US');

export function stravaImportSection(results: StravaImportResults, heading = '## Strava import'): string[] {
  const { plan, rounds } = results;
  const first = rounds[0];
  const pass = results.medianActivitiesPerSecond >= results.targetActivitiesPerSecond;
  return [
    heading,
    '',
    `The Strava service (its own process, \`runnerly-strava\`, ${results.concurrency} import jobs at once, the job queue in its SQLite database) imports the histories of ` +
      `${plan.athletes} sandbox athletes (${plan.months} months each${first ? `: ${num(first.activities)} activities, ${num(first.runs)} of them runs` : ''}) from the Strava sandbox ` +
      '(rate limits off) into the real data service (its own process, SQLite), with service tokens from a real TokenDealer. ' +
      'Each round links every athlete to a new runner (code exchange, tokens sealed, history job queued) and ends when every import reports `idle`; ' +
      'pages of 200, one page per runner per turn, one data service PUT per page.',
    '',
    '| round | activities | runs | seconds | activities/s | runs/s |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rounds.map((round, index) => `| ${index + 1} | ${num(round.activities)} | ${num(round.runs)} | ${round.seconds.toFixed(2)} | ${num(round.activitiesPerSecond)} | ${num(round.runsPerSecond)} |`),
    '',
    `**Median ${num(results.medianActivitiesPerSecond)} activities/s (${num(results.medianRunsPerSecond)} runs/s)**, target at least ${num(results.targetActivitiesPerSecond)}: ${pass ? 'PASS' : 'FAIL'}. ` +
      `Peak RSS of the Strava service over all rounds: ${results.peakRssMiB === undefined ? 'n/a' : `${results.peakRssMiB.toFixed(1)} MiB`}.`,
    '',
    "Against Strava itself the rate limits bound an import, not this throughput: 100 reads per 15 minutes by default is 20,000 activities per window at 200 a page, shared by every runner importing (see packages/strava/README.md).",
    '',
  ];
}
