// Guard verification throughput, in process: the guard's public path (createVerifier().verify),
// its sync core (verifyJwtAccessToken) and the cache path, next to bare node:crypto ES256 verification
// of the same tokens. Distinct tokens make every verification a cache miss, i.e. a real signature check.
import { generateKeyPairSync, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createVerifier, JwksKeySource, verifyJwtAccessToken } from '@runnerly/guard';
import { encodeHeader, mintAccessToken, tokenShape } from './es256-jwt.js';
import { startIssuerStub } from './jwks-server.js';

export interface VerifyPlan {
  distinctTokens: number;
  rounds: number;
  warmupTokens: number;
  /** How long one sample of the cache-hit path runs. */
  cacheHitSampleMs: number;
}

export const VERIFY_VARIANTS = {
  raw: 'node:crypto ES256 verify (split, verify, nothing else)',
  guardCore: 'guard verifyJwtAccessToken (sync core, key resolver)',
  guardVerifyNoCache: 'guard createVerifier({ cacheSize: 0 }).verify',
  guardVerifyDefaultCache: 'guard createVerifier().verify, default cache, every token new',
  guardVerifyCacheHit: 'guard createVerifier().verify, the same token again (cache hit)',
} as const;

export type VerifyVariantName = keyof typeof VERIFY_VARIANTS;

export interface VerifySample {
  variant: VerifyVariantName;
  round: number;
  operations: number;
  seconds: number;
  opsPerSecond: number;
}

export interface VerifyResults {
  plan: VerifyPlan;
  samples: VerifySample[];
  tokenShape: { header: string[]; claims: string[] };
}

const KID = 'bench-key';
const AUDIENCE = 'runnerly.io';

export async function benchVerification(plan: VerifyPlan, log: (line: string) => void): Promise<VerifyResults> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const stub = await startIssuerStub(publicKey, KID);
  try {
    const { issuer } = stub;
    const header = encodeHeader(KID);
    const tokens = Array.from({ length: plan.distinctTokens }, () =>
      mintAccessToken(privateKey, header, { issuer, clientId: 'bench-client', audience: AUDIENCE, scope: 'runs:read', lifetimeSeconds: 3600 }),
    );
    // One key source for all verifiers: the JWKS is fetched once, every sample starts with an empty token cache.
    const keySource = new JwksKeySource({ issuer });
    await keySource.ready();
    const newVerifier = (cacheSize?: number) => createVerifier({ issuer, audience: AUDIENCE, keySource, cacheSize });
    const resolveKey = (kid: string | undefined) => (kid === KID ? publicKey : undefined);
    const repeatedToken = tokens[0]!;

    const measure: Record<VerifyVariantName, (sample: readonly string[]) => Promise<Timing> | Timing> = {
      raw: (sample) => timeSync(sample, (token) => rawVerify(token, publicKey)),
      guardCore: (sample) => timeSync(sample, (token) => verifyJwtAccessToken(token, resolveKey, { issuer, audience: AUDIENCE }).exp > 0),
      guardVerifyNoCache: (sample) => timeAsync(sample, newVerifier(0)),
      guardVerifyDefaultCache: (sample) => timeAsync(sample, newVerifier()),
      guardVerifyCacheHit: () => timeRepeated(repeatedToken, newVerifier(), plan.cacheHitSampleMs),
    };
    const variants = Object.keys(VERIFY_VARIANTS) as VerifyVariantName[];

    // Lets the JIT optimise every path before anything is recorded.
    const warmup = tokens.slice(0, plan.warmupTokens);
    for (const variant of variants) await measure[variant](warmup);

    const samples: VerifySample[] = [];
    for (let round = 1; round <= plan.rounds; round++) {
      // Rotating the order spreads slow moments of a shared machine over all variants.
      const shift = (round - 1) % variants.length;
      for (const variant of [...variants.slice(shift), ...variants.slice(0, shift)]) {
        const { operations, seconds } = await measure[variant](tokens);
        samples.push({ variant, round, operations, seconds, opsPerSecond: operations / seconds });
      }
      const line = samples
        .filter((s) => s.round === round)
        .map((s) => `${s.variant} ${Math.round(s.opsPerSecond)}`)
        .join(', ');
      log(`  round ${round}: ${line} ops/s`);
    }
    return { plan, samples, tokenShape: tokenShape(repeatedToken) };
  } finally {
    await stub.close();
  }
}

interface Timing {
  operations: number;
  seconds: number;
}

/** The baseline: what any ES256 verifier must do at least. */
function rawVerify(token: string, key: KeyObject): boolean {
  const dot = token.lastIndexOf('.');
  return cryptoVerify('sha256', Buffer.from(token.slice(0, dot), 'latin1'), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(token.slice(dot + 1), 'base64url'));
}

function timeSync(tokens: readonly string[], verifyOne: (token: string) => boolean): Timing {
  const start = performance.now();
  for (const token of tokens) {
    // Checking the result keeps the work observable and catches a broken setup.
    if (!verifyOne(token)) throw new Error('verification failed in the bench');
  }
  return { operations: tokens.length, seconds: (performance.now() - start) / 1000 };
}

async function timeAsync(tokens: readonly string[], verifier: { verify(token: string): Promise<{ exp: number }> }): Promise<Timing> {
  const start = performance.now();
  for (const token of tokens) {
    if (!((await verifier.verify(token)).exp > 0)) throw new Error('verification failed in the bench');
  }
  return { operations: tokens.length, seconds: (performance.now() - start) / 1000 };
}

async function timeRepeated(token: string, verifier: { verify(token: string): Promise<{ exp: number }> }, durationMs: number): Promise<Timing> {
  await verifier.verify(token);
  const batch = 10_000;
  let operations = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < durationMs) {
    for (let i = 0; i < batch; i++) {
      if (!((await verifier.verify(token)).exp > 0)) throw new Error('verification failed in the bench');
    }
    operations += batch;
    elapsed = performance.now() - start;
  }
  return { operations, seconds: elapsed / 1000 };
}
