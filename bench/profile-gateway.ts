// Where the gateway spends its CPU under the proxy bench's load: runs the gateway (memory store)
// with --cpu-prof in front of the bench's JSON upstream, loads it like `npm run bench` does, and
// prints self time per category (gateway module, undici, node:http, GC...) and the top functions.
// Not part of `npm run bench` (profiling slows the gateway down).
//
//   npm run build && node bench/dist/profile-gateway.js [--seconds 10] [--waf block|off] [--keep]
//
// --keep leaves the .cpuprofile in its temporary directory (open it in Chrome DevTools) and prints its path.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pinThisProcessToLoadGeneratorCore } from './lib/cpu-pinning.js';
import { printProfileSummary, summarizeProfile, type CpuProfile } from './lib/cpu-profile.js';
import { runHttpLoad } from './lib/http-load.js';
import { PROXIED_PATH } from './lib/proxy-bench.js';
import { startGateway, startJsonUpstream } from './lib/proxy-processes.js';
import { benchTempDir } from './lib/tokendealer-process.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    waf: { type: 'string', default: 'block' },
    keep: { type: 'boolean', default: false },
  },
});

/** The gateway's own code, by the folder of its source. */
function gatewayCategory(url: string): string | undefined {
  const gateway = /packages\/gateway\/dist\/src\/([^/]+)\//.exec(url);
  return gateway ? `gateway ${gateway[1]}/` : undefined;
}

async function main(): Promise<void> {
  pinThisProcessToLoadGeneratorCore();
  const seconds = Number(args.seconds);
  const wafMode = args.waf === 'off' ? 'off' : 'block';
  // benchTempDir() is removed when this process exits; a kept profile gets a directory of its own.
  const dir = args.keep ? mkdtempSync(join(tmpdir(), 'runnerly-profile-')) : benchTempDir();
  const upstream = await startJsonUpstream();
  const gateway = await startGateway('gateway-profiled', upstream.url, { store: { type: 'memory' }, wafMode }, dir, ['--cpu-prof', '--cpu-prof-dir', dir]);
  try {
    const request = { url: new URL(PROXIED_PATH, gateway.url).href, method: 'GET' as const, headers: { accept: 'application/json', 'user-agent': 'runnerly-bench/1.0' } };
    const result = await runHttpLoad(request, gateway.pid, { connections: 50, durationSeconds: seconds });
    console.log(
      `gateway (memory store, WAF ${wafMode}) under --cpu-prof: ${Math.round(result.requestsPerSecond)} req/s, p99 ${result.latencyP99Ms} ms, ` +
        `${result.serverCpuMicrosecondsPerRequest?.toFixed(0) ?? 'n/a'} µs CPU per request, non-2xx ${result.non2xx}`,
    );
  } finally {
    // The profile is written when the gateway exits.
    await gateway.stop(15_000);
    await upstream.stop();
  }
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error('the gateway wrote no .cpuprofile');
  const summary = summarizeProfile(JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile, gatewayCategory);
  printProfileSummary(summary, 'gateway');
  if (args.keep) console.log(`\nprofile: ${join(dir, file)}`);
}

main()
  .catch((error: unknown) => {
    console.error('profile failed:', error instanceof Error ? (error.stack ?? error.message) : error);
    process.exitCode = 1;
  })
  .finally(() => process.exit());
