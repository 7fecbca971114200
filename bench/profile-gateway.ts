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
import { runHttpLoad } from './lib/http-load.js';
import { PROXIED_PATH } from './lib/proxy-bench.js';
import { startGateway, startJsonUpstream } from './lib/proxy-processes.js';
import { benchTempDir } from './lib/tokendealer-process.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    waf: { type: 'string', default: 'block' },
    keep: { type: 'boolean', default: false },
  },
});

/** The category of a function, from where its code lives. */
export function categoryOf({ functionName, url }: ProfileNode['callFrame']): string {
  if (url === '') {
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(program)') return 'V8/native (program)';
    return 'native builtins';
  }
  const gateway = /packages\/gateway\/dist\/src\/([^/]+)\//.exec(url);
  if (gateway) return `gateway ${gateway[1]}/`;
  const guard = /packages\/guard\//.exec(url);
  if (guard) return 'guard';
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (dependency) return dependency[1]!;
  if (url.startsWith('node:')) {
    const module = url.slice('node:'.length);
    if (module.startsWith('_http') || module === 'http' || module.startsWith('internal/http')) return 'node:http';
    if (module.startsWith('internal/streams') || module === 'stream') return 'node:stream';
    if (module === 'net' || module.startsWith('internal/stream_base') || module === 'internal/net') return 'node:net';
    if (module === 'events' || module.startsWith('internal/event')) return 'node:events';
    if (module.startsWith('internal/process/task_queues') || module.startsWith('internal/timers') || module === 'timers') return 'node:timers/microtasks';
    return 'node: other';
  }
  return 'other JavaScript';
}

export interface ProfileSummary {
  categories: [string, number][];
  functions: [string, number][];
  /** Gateway functions by inclusive time (their own code and everything they call). */
  gatewayInclusive: [string, number][];
  totalMs: number;
  busyMs: number;
}

function functionLabel(frame: ProfileNode['callFrame']): string {
  const where = frame.url === '' ? '' : ` ${frame.url.replace(/^.*\/(packages|node_modules)\//, '$1/')}:${frame.lineNumber + 1}`;
  return `${frame.functionName || '(anonymous)'}${where}`;
}

export function summarizeProfile(profile: CpuProfile): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const selfMs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  const categories = new Map<string, number>();
  const functions = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let totalMs = 0;
  for (const [id, ms] of selfMs) {
    const frame = byId.get(id)!.callFrame;
    const category = categoryOf(frame);
    totalMs += ms;
    categories.set(category, (categories.get(category) ?? 0) + ms);
    if (category === 'idle') continue;
    const name = functionLabel(frame);
    functions.set(name, (functions.get(name) ?? 0) + ms);
    // Every gateway function on this stack gets the time once, however often it recurses.
    const onStack = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const caller = byId.get(at)!.callFrame;
      if (categoryOf(caller).startsWith('gateway ')) onStack.add(functionLabel(caller));
    }
    for (const label of onStack) inclusive.set(label, (inclusive.get(label) ?? 0) + ms);
  }
  const sorted = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]);
  return { categories: sorted(categories), functions: sorted(functions), gatewayInclusive: sorted(inclusive), totalMs, busyMs: totalMs - (categories.get('idle') ?? 0) };
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
  const summary = summarizeProfile(JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile);
  const percent = (ms: number) => `${((100 * ms) / summary.busyMs).toFixed(1).padStart(5)} %`;
  console.log(`\nself time by category (% of ${(summary.busyMs / 1000).toFixed(1)} s busy; idle ${((summary.totalMs - summary.busyMs) / 1000).toFixed(1)} s not counted)`);
  for (const [category, ms] of summary.categories) if (category !== 'idle') console.log(`  ${percent(ms)}  ${category}`);
  console.log('\ntop functions by self time');
  for (const [name, ms] of summary.functions.slice(0, 30)) console.log(`  ${percent(ms)}  ${name}`);
  console.log('\ngateway functions by inclusive time (themselves and all they call)');
  for (const [name, ms] of summary.gatewayInclusive.slice(0, 25)) console.log(`  ${percent(ms)}  ${name}`);
  if (args.keep) console.log(`\nprofile: ${join(dir, file)}`);
}

main()
  .catch((error: unknown) => {
    console.error('profile failed:', error instanceof Error ? (error.stack ?? error.message) : error);
    process.exitCode = 1;
  })
  .finally(() => process.exit());
