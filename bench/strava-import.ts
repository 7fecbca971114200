// `node bench/dist/strava-import.js`: the Strava import section alone (npm run bench runs it too).
import { benchStravaImport } from './lib/strava-import-bench.js';
import { STRAVA_IMPORT_PLAN } from './lib/strava-import-plan.js';
import { stravaImportSection } from './lib/strava-import-report.js';

const results = await benchStravaImport(STRAVA_IMPORT_PLAN, (line) => console.log(line));
console.log(JSON.stringify(results, null, 2));
// The report section, for docs/benchmarks.md when only this part was run.
console.log(stravaImportSection(results).join('\n'));
process.exit();
