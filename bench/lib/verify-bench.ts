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
  /** Tokens per block: the variants take turns block by block, so a slow moment of the machine hits all of them. */
  blockSize: number;
  /** How often the cache-hit variant verifies its one token per block. */
  cacheHitRepeatsPerBlock: number;
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
    // One key source for all verifiers: the JWKS is fetched once, as a long-running service would hold it.
    const keySource = new JwksKeySource({ issuer });
    await keySource.ready();
    const newVerifier = (cacheSize?: number) => createVerifier({ issuer, audience: AUDIENCE, keySource, cacheSize });
    const resolveKey = (kid: string | undefined) => (kid === KID ? publicKey : undefined);
    const repeatedToken = tokens[0]!;

    // New verifiers every round, so the default cache starts empty and never sees a token twice.
    const runnersForRound = (): Record<VerifyVariantName, BlockRunner> => {
      const noCache = newVerifier(0);
      const defaultCache = newVerifier();
      const cacheHit = newVerifier();
      return {
        raw: (block) => timeSync(block, (token) => rawVerify(token, publicKey)),
        guardCore: (block) => timeSync(block, (token) => verifyJwtAccessToken(token, resolveKey, { issuer, audience: AUDIENCE }).exp > 0),
        guardVerifyNoCache: (block) => timeAsync(block, noCache),
        guardVerifyDefaultCache: (block) => timeAsync(block, defaultCache),
        guardVerifyCacheHit: () => timeRepeated(repeatedToken, cacheHit, plan.cacheHitRepeatsPerBlock),
      };
    };

    // Lets the JIT optimise every path before anything is recorded.
    await runRound(runnersForRound(), blocksOf(tokens.slice(0, plan.warmupTokens), plan.blockSize), 0);

    const blocks = blocksOf(tokens, plan.blockSize);
    const samples: VerifySample[] = [];
    for (let round = 1; round <= plan.rounds; round++) {
      const totals = await runRound(runnersForRound(), blocks, round);
      for (const variant of VARIANT_NAMES) {
        const { operations, seconds } = totals[variant];
        samples.push({ variant, round, operations, seconds, opsPerSecond: operations / seconds });
      }
      log(`  round ${round}: ${VARIANT_NAMES.map((v) => `${v} ${Math.round(totals[v].operations / totals[v].seconds)}`).join(', ')} ops/s`);
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

type BlockRunner = (block: readonly string[]) => Timing | Promise<Timing>;

const VARIANT_NAMES = Object.keys(VERIFY_VARIANTS) as VerifyVariantName[];

function blocksOf(tokens: readonly string[], size: number): string[][] {
  const blocks: string[][] = [];
  for (let start = 0; start < tokens.length; start += size) blocks.push(tokens.slice(start, start + size));
  return blocks;
}

/** Every variant verifies every block once; the order of the variants rotates from block to block. */
async function runRound(runners: Record<VerifyVariantName, BlockRunner>, blocks: readonly string[][], round: number): Promise<Record<VerifyVariantName, Timing>> {
  const totals = Object.fromEntries(VARIANT_NAMES.map((v) => [v, { operations: 0, seconds: 0 }])) as Record<VerifyVariantName, Timing>;
  for (const [index, block] of blocks.entries()) {
    const shift = (index + round) % VARIANT_NAMES.length;
    for (const variant of [...VARIANT_NAMES.slice(shift), ...VARIANT_NAMES.slice(0, shift)]) {
      const { operations, seconds } = await runners[variant](block);
      totals[variant].operations += operations;
      totals[variant].seconds += seconds;
    }
  }
  return totals;
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

async function timeRepeated(token: string, verifier: { verify(token: string): Promise<{ exp: number }> }, repeats: number): Promise<Timing> {
  // The guard remembers a token at its second verification.
  await verifier.verify(token);
  await verifier.verify(token);
  const start = performance.now();
  for (let i = 0; i < repeats; i++) {
    if (!((await verifier.verify(token)).exp > 0)) throw new Error('verification failed in the bench');
  }
  return { operations: repeats, seconds: (performance.now() - start) / 1000 };
}
