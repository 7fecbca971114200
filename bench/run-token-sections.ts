// `node bench/dist/run-token-sections.js`: sections 1 to 3 of the bench only (token endpoint,
// TokenDealer memory, guard verification), measured now; the gateway, limiter and user-grant
// sections are carried over from the last full run in docs/benchmarks.json, and the report says
// so. For work on the token endpoint or the guard, where a full run would only add noise and time.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BenchRecord } from './lib/bench-record.js';
import { pinThisProcessToLoadGeneratorCore } from './lib/cpu-pinning.js';
import { describeMachine } from './lib/machine.js';
import { DOCS_DIR } from './lib/paths.js';
import { TOKEN_ENDPOINT_PLAN, VERIFY_PLAN } from './lib/plans.js';
import { writeReportFiles } from './lib/report-files.js';
import { sourceRevision } from './lib/source-revision.js';
import { round } from './lib/stats.js';
import { summarize } from './lib/summary.js';
import { benchTokenEndpoint } from './lib/token-endpoint-bench.js';
import { benchVerification } from './lib/verify-bench.js';

const log = (line: string) => console.log(line);

async function main(): Promise<void> {
  const started = performance.now();
  const previous = JSON.parse(readFileSync(join(DOCS_DIR, 'benchmarks.json'), 'utf8')) as BenchRecord;
  const machine = describeMachine();
  const loadGeneratorPinned = pinThisProcessToLoadGeneratorCore();
  log('1/2 token endpoint: TokenDealer vs bare node:http limit');
  const tokenEndpoint = await benchTokenEndpoint(TOKEN_ENDPOINT_PLAN, log);
  log('2/2 guard verification vs raw node:crypto');
  const verification = await benchVerification(VERIFY_PLAN, log);
  const carriedOver = previous.command.includes('carried over') ? previous.command.replace(/^.*carried over from /, '').replace(/\)$/, '') : `\`${previous.command}\` of ${previous.generatedAt}`;
  const record: BenchRecord = {
    ...previous,
    generatedAt: new Date().toISOString(),
    command: `node bench/dist/run-token-sections.js (sections 1 to 3; sections 4 to 6 carried over from ${carriedOver})`,
    elapsedSeconds: round((performance.now() - started) / 1000, 1),
    machine,
    source: sourceRevision(),
    loadGeneratorPinned,
    tokenEndpoint,
    verification,
    summary: summarize(tokenEndpoint, verification, previous.proxy, previous.limiter, previous.userGrants),
  };
  for (const file of writeReportFiles(record)) log(`wrote ${file}`);
  for (const check of record.summary.checks) log(`${check.pass ? 'PASS' : 'FAIL'} ${check.name}: ${check.measured} (${check.target})`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
