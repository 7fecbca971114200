// Self time per category and per function in a V8 .cpuprofile, and the inclusive time of one
// package's functions: the summaries the profile scripts (gateway, token endpoint) print.

export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface CpuProfile {
  /** Microseconds, on the profiled process's clock. */
  startTime: number;
  endTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export type CallFrame = ProfileNode['callFrame'];

/**
 * The category of a function, from where its code lives: `packageCategory` names the profiled
 * package's own code (e.g. "gateway server/"), anything else falls in a dependency or a part of Node.
 */
export function categoryOf(frame: CallFrame, packageCategory: (url: string) => string | undefined): string {
  const { functionName, url } = frame;
  if (url === '') {
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(program)') return 'V8/native (program)';
    return 'native builtins';
  }
  const own = packageCategory(url);
  if (own !== undefined) return own;
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
    if (module.startsWith('internal/crypto') || module === 'crypto') return 'node:crypto';
    return 'node: other';
  }
  return 'other JavaScript';
}

export interface ProfileSummary {
  categories: [string, number][];
  functions: [string, number][];
  /** The profiled package's functions by inclusive time (their own code and everything they call). */
  packageInclusive: [string, number][];
  totalMs: number;
  busyMs: number;
}

function functionLabel(frame: CallFrame): string {
  const where = frame.url === '' ? '' : ` ${frame.url.replace(/^.*\/(packages|node_modules)\//, '$1/')}:${frame.lineNumber + 1}`;
  return `${frame.functionName || '(anonymous)'}${where}`;
}

/**
 * Self and inclusive times; `packageCategory` as for {@link categoryOf}. Only the last `lastMs` of the
 * profile count when given (the measured load, not the start-up and warm-up before it).
 */
export function summarizeProfile(profile: CpuProfile, packageCategory: (url: string) => string | undefined, lastMs?: number): ProfileSummary {
  const fromMs = lastMs === undefined ? 0 : (profile.endTime - profile.startTime) / 1000 - lastMs;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const category = (frame: CallFrame) => categoryOf(frame, packageCategory);
  const selfMs = new Map<number, number>();
  let elapsedMs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const deltaMs = (profile.timeDeltas[i] ?? 0) / 1000;
    elapsedMs += deltaMs;
    if (elapsedMs < fromMs) continue;
    const id = profile.samples[i]!;
    selfMs.set(id, (selfMs.get(id) ?? 0) + deltaMs);
  }
  const categories = new Map<string, number>();
  const functions = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let totalMs = 0;
  for (const [id, ms] of selfMs) {
    const frame = byId.get(id)!.callFrame;
    const frameCategory = category(frame);
    totalMs += ms;
    categories.set(frameCategory, (categories.get(frameCategory) ?? 0) + ms);
    if (frameCategory === 'idle') continue;
    const name = functionLabel(frame);
    functions.set(name, (functions.get(name) ?? 0) + ms);
    // Every function of the package on this stack gets the time once, however often it recurses.
    const onStack = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const caller = byId.get(at)!.callFrame;
      if (packageCategory(caller.url) !== undefined) onStack.add(functionLabel(caller));
    }
    for (const label of onStack) inclusive.set(label, (inclusive.get(label) ?? 0) + ms);
  }
  const sorted = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]);
  return { categories: sorted(categories), functions: sorted(functions), packageInclusive: sorted(inclusive), totalMs, busyMs: totalMs - (categories.get('idle') ?? 0) };
}

/** Prints a summary: categories, the top functions by self time, the package's functions by inclusive time. */
export function printProfileSummary(summary: ProfileSummary, packageName: string, log: (line: string) => void = console.log): void {
  const percent = (ms: number) => `${((100 * ms) / summary.busyMs).toFixed(1).padStart(5)} %`;
  log(`\nself time by category (% of ${(summary.busyMs / 1000).toFixed(1)} s busy; idle ${((summary.totalMs - summary.busyMs) / 1000).toFixed(1)} s not counted)`);
  for (const [name, ms] of summary.categories) if (name !== 'idle') log(`  ${percent(ms)}  ${name}`);
  log('\ntop functions by self time');
  for (const [name, ms] of summary.functions.slice(0, 30)) log(`  ${percent(ms)}  ${name}`);
  log(`\n${packageName} functions by inclusive time (themselves and all they call)`);
  for (const [name, ms] of summary.packageInclusive.slice(0, 25)) log(`  ${percent(ms)}  ${name}`);
}
