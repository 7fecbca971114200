// Where the token endpoint spends its CPU under section 1's load: TokenDealer and the bare limit
// server, each run with --cpu-prof on the server core and loaded like `npm run bench` loads them
// (client_credentials with HTTP Basic, 50 connections), one after the other; prints self time per
// category and the top functions of each, counting only the measured load (not start-up or warm-up).
// Frames both servers share (the signature, the socket) show what is left to the limit.
// Not part of `npm run bench` (profiling slows the servers down).
//
//   npm run build && node bench/dist/profile-token-endpoint.js [--seconds 15] [--warmup 5] [--keep]
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startBareTokenServer } from './lib/bare-token-process.js';
import type { ServerProcess } from './lib/child-processes.js';
import { pinThisProcessToLoadGeneratorCore } from './lib/cpu-pinning.js';
import { printProfileSummary, summarizeProfile, type CpuProfile } from './lib/cpu-profile.js';
import { runTokenLoad } from './lib/http-load.js';
import { TOKEN_ENDPOINT_PLAN } from './lib/plans.js';
import { BENCH_AUDIENCE, BENCH_SCOPE, TOKEN_PATH } from './lib/token-endpoint-bench.js';
import { benchTempDir, setUpTokenDealer, startTokenDealer } from './lib/tokendealer-process.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '15' },
    warmup: { type: 'string', default: '5' },
    keep: { type: 'boolean', default: false },
  },
});

/** TokenDealer's own code by source folder; the bare server's file as one. */
function ownCategory(url: string): string | undefined {
  const tokendealer = /packages\/tokendealer\/dist\/src\/([^/]+)\//.exec(url);
  if (tokendealer) return `tokendealer ${tokendealer[1]}/`;
  return /bench\/dist\/lib\/bare-token-server\.js/.test(url) ? 'bare token server' : undefined;
}

async function profile(name: string, start: (nodeArgs: string[]) => Promise<ServerProcess>, client: { clientId: string; clientSecret: string }): Promise<void> {
  // A temp directory removed at exit unless the profile is to be kept.
  const dir = args.keep ? mkdtempSync(join(tmpdir(), 'runnerly-profile-')) : benchTempDir();
  const server = await start(['--cpu-prof', '--cpu-prof-dir', dir]);
  const seconds = Number(args.seconds);
  try {
    const request = { url: server.url, path: TOKEN_PATH, ...client };
    await runTokenLoad(request, server.pid, { connections: TOKEN_ENDPOINT_PLAN.connections, durationSeconds: Number(args.warmup) });
    const result = await runTokenLoad(request, server.pid, { connections: TOKEN_ENDPOINT_PLAN.connections, durationSeconds: seconds });
    console.log(
      `\n=== ${name} under --cpu-prof: ${Math.round(result.requestsPerSecond)} req/s, ` +
        `${result.serverCpuMicrosecondsPerRequest?.toFixed(0) ?? 'n/a'} µs CPU per request, non-2xx ${result.non2xx}, errors ${result.errors}`,
    );
  } finally {
    // The profile is written when the server exits.
    await server.stop(15_000);
  }
  const file = readdirSync(dir).find((entry) => entry.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error(`${name} wrote no .cpuprofile`);
  // The last `seconds` of the profile, less the moment it took to stop: the measured load.
  const summary = summarizeProfile(JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile, ownCategory, seconds * 1000);
  printProfileSummary(summary, name);
  if (args.keep) console.log(`\nprofile: ${join(dir, file)}`);
}

async function main(): Promise<void> {
  pinThisProcessToLoadGeneratorCore();
  const { databaseUrl, client } = await setUpTokenDealer(benchTempDir(), BENCH_SCOPE, BENCH_AUDIENCE);
  await profile('TokenDealer', (nodeArgs) => startTokenDealer(databaseUrl, nodeArgs), client);
  await profile('bare token server (the limit)', (nodeArgs) => startBareTokenServer(nodeArgs), client);
}

main()
  .catch((error: unknown) => {
    console.error('profile failed:', error instanceof Error ? (error.stack ?? error.message) : error);
    process.exitCode = 1;
  })
  .finally(() => process.exit());
