// Turns raw runs into medians, ratios and PASS/FAIL against the targets.
import { median, max, min } from './stats.js';
import type { TokenEndpointResults, TokenEndpointRun, TokenServerName } from './token-endpoint-bench.js';
import { VERIFY_VARIANTS, type VerifyResults, type VerifyVariantName } from './verify-bench.js';

export const TOKEN_RATIO_TARGET = 0.7;
export const VERIFY_RATIO_TARGET = 0.9;

export interface Check {
  /** A target is a performance goal; a validity check guards the measurement itself. */
  kind: 'target' | 'validity';
  name: string;
  measured: string;
  target: string;
  pass: boolean;
}

export interface ServerSummary {
  runs: number;
  medianRequestsPerSecond: number;
  minRequestsPerSecond: number;
  maxRequestsPerSecond: number;
  medianLatencyP50Ms: number;
  medianLatencyP99Ms: number;
  maxLatencyP99Ms: number;
  medianServerCpuCores: number | undefined;
  medianServerCpuMicrosecondsPerRequest: number | undefined;
  medianLoadGeneratorCpuCores: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

export interface TokenEndpointSummary {
  servers: Record<TokenServerName, ServerSummary>;
  /** median(tokendealer req/s) / median(limit req/s). */
  ratio: number;
  /** The same ratio within each round (adjacent runs), as a check on the medians. */
  roundRatios: number[];
  medianRoundRatio: number;
  /** limit CPU per request / TokenDealer CPU per request: the ratio with other work on the machine factored out. */
  cpuNormalizedRatio: number | undefined;
  peakRssMiB: number | undefined;
  /** The bare limit process, for scale: what Node.js itself needs under the same load. */
  limitPeakRssMiB: number | undefined;
}

export interface VariantSummary {
  variant: VerifyVariantName;
  description: string;
  samples: number;
  medianOpsPerSecond: number;
  minOpsPerSecond: number;
  maxOpsPerSecond: number;
  medianMicrosecondsPerOp: number;
  /** medianOpsPerSecond / raw medianOpsPerSecond. */
  ratioToRaw: number;
}

export interface BenchSummary {
  tokenEndpoint: TokenEndpointSummary;
  verification: VariantSummary[];
  checks: Check[];
  allPass: boolean;
}

export function summarize(token: TokenEndpointResults, verification: VerifyResults): BenchSummary {
  const tokenEndpoint = summarizeTokenEndpoint(token);
  const variants = summarizeVerification(verification);
  const ratioOf = (name: VerifyVariantName) => variants.find((v) => v.variant === name)!.ratioToRaw;
  const { tokendealer, limit } = tokenEndpoint.servers;
  const failures = tokendealer.non2xx + tokendealer.errors + tokendealer.timeouts + limit.non2xx + limit.errors + limit.timeouts;
  // The limit and the guard bench only mean something if their tokens look like TokenDealer's.
  const reference = JSON.stringify(token.tokenDealerTokenShape);
  const sameShape = [token.limitTokenShape, verification.tokenShape].every((shape) => JSON.stringify(shape) === reference);

  const checks: Check[] = [
    ratioCheck('token endpoint: TokenDealer / limit (req/s)', tokenEndpoint.ratio, TOKEN_RATIO_TARGET),
    ratioCheck('guard verify, cacheSize 0 / raw node:crypto (ops/s)', ratioOf('guardVerifyNoCache'), VERIFY_RATIO_TARGET),
    ratioCheck('guard verify, default cache, new tokens / raw node:crypto (ops/s)', ratioOf('guardVerifyDefaultCache'), VERIFY_RATIO_TARGET),
    {
      kind: 'validity',
      name: 'every load response was 200 (non-2xx + errors + timeouts, all runs)',
      measured: String(failures),
      target: '0',
      pass: failures === 0,
    },
    {
      kind: 'validity',
      name: 'limit and guard-bench tokens have the header and claim names of TokenDealer tokens',
      measured: sameShape ? 'same' : 'different',
      target: 'same',
      pass: sameShape,
    },
  ];
  return { tokenEndpoint, verification: variants, checks, allPass: checks.every((check) => check.pass) };
}

function ratioCheck(name: string, ratio: number, target: number): Check {
  return { kind: 'target', name, measured: ratio.toFixed(3), target: `>= ${target.toFixed(2)}`, pass: ratio >= target };
}

function summarizeTokenEndpoint(results: TokenEndpointResults): TokenEndpointSummary {
  const summarizeServer = (name: TokenServerName): ServerSummary => {
    const runs = results.runs.filter((run) => run.server === name);
    const rps = runs.map((run) => run.requestsPerSecond);
    const defined = (values: (number | undefined)[]) => values.filter((value): value is number => value !== undefined);
    const cpu = defined(runs.map((run) => run.serverCpuCores));
    const cpuPerRequest = defined(runs.map((run) => run.serverCpuMicrosecondsPerRequest));
    return {
      runs: runs.length,
      medianRequestsPerSecond: median(rps),
      minRequestsPerSecond: min(rps),
      maxRequestsPerSecond: max(rps),
      medianLatencyP50Ms: median(runs.map((run) => run.latencyP50Ms)),
      medianLatencyP99Ms: median(runs.map((run) => run.latencyP99Ms)),
      maxLatencyP99Ms: max(runs.map((run) => run.latencyP99Ms)),
      medianServerCpuCores: cpu.length > 0 ? median(cpu) : undefined,
      medianServerCpuMicrosecondsPerRequest: cpuPerRequest.length > 0 ? median(cpuPerRequest) : undefined,
      medianLoadGeneratorCpuCores: median(runs.map((run) => run.loadGeneratorCpuCores)),
      non2xx: runs.reduce((sum, run) => sum + run.non2xx, 0),
      errors: runs.reduce((sum, run) => sum + run.errors, 0),
      timeouts: runs.reduce((sum, run) => sum + run.timeouts, 0),
    };
  };
  const servers = { tokendealer: summarizeServer('tokendealer'), limit: summarizeServer('limit') };
  const tokenDealerRuns = results.runs.filter((run) => run.server === 'tokendealer');
  const limitRuns = results.runs.filter((run) => run.server === 'limit');
  const roundRatios = tokenDealerRuns.map((run, i) => run.requestsPerSecond / (limitRuns[i]?.requestsPerSecond ?? Number.NaN));
  const peakOf = (runs: TokenEndpointRun[]) => {
    const peaks = runs.map((run) => run.peakRssMiB).filter((value): value is number => value !== undefined);
    return peaks.length > 0 ? max(peaks) : undefined;
  };
  return {
    servers,
    ratio: servers.tokendealer.medianRequestsPerSecond / servers.limit.medianRequestsPerSecond,
    roundRatios,
    medianRoundRatio: median(roundRatios),
    cpuNormalizedRatio:
      servers.limit.medianServerCpuMicrosecondsPerRequest === undefined || servers.tokendealer.medianServerCpuMicrosecondsPerRequest === undefined
        ? undefined
        : servers.limit.medianServerCpuMicrosecondsPerRequest / servers.tokendealer.medianServerCpuMicrosecondsPerRequest,
    peakRssMiB: peakOf(tokenDealerRuns),
    limitPeakRssMiB: peakOf(limitRuns),
  };
}

function summarizeVerification(results: VerifyResults): VariantSummary[] {
  const variants = Object.keys(VERIFY_VARIANTS) as VerifyVariantName[];
  const medians = new Map(variants.map((v) => [v, median(results.samples.filter((s) => s.variant === v).map((s) => s.opsPerSecond))]));
  const raw = medians.get('raw')!;
  return variants.map((variant) => {
    const ops = results.samples.filter((s) => s.variant === variant).map((s) => s.opsPerSecond);
    const medianOps = medians.get(variant)!;
    return {
      variant,
      description: VERIFY_VARIANTS[variant],
      samples: ops.length,
      medianOpsPerSecond: medianOps,
      minOpsPerSecond: min(ops),
      maxOpsPerSecond: max(ops),
      medianMicrosecondsPerOp: 1e6 / medianOps,
      ratioToRaw: medianOps / raw,
    };
  });
}
