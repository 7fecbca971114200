import { randomBytes, randomFillSync } from 'node:crypto';

// Token ids are drawn from a pool filled in one CSPRNG call per 256 ids, as randomUUID does:
// one call per token costs more than the rest of building the token's claims.
const POOL_SIZE = 4096;
const pool = Buffer.alloc(POOL_SIZE);
let poolOffset = POOL_SIZE;

/** 16 random bytes (128 bits) as base64url, from the pool. */
export function randomId128(): string {
  if (poolOffset + 16 > POOL_SIZE) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const id = pool.toString('base64url', poolOffset, poolOffset + 16);
  poolOffset += 16;
  return id;
}

/** A URL-safe random string carrying `bytes * 8` bits of entropy. */
export function randomToken(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

/** A random identifier that is safe as a command-line argument (never starts with '-'). */
export function randomIdentifier(bytes: number): string {
  for (;;) {
    const id = randomToken(bytes);
    if (!id.startsWith('-')) return id;
  }
}
