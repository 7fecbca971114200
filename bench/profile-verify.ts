// `node bench/dist/profile-verify.js [out.cpuprofile]`: the guard's default verification path alone
// (createVerifier({ issuer, audience }).verify, default cache, every token new), timed and, given a
// file name, CPU-profiled (the verification loop only, not the minting; open the file in Chrome DevTools).
// VERIFY_TOKENS sets how many distinct tokens are verified (default 20,000).
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';
import { createVerifier, JwksKeySource } from '@runnerly/guard';
import { encodeHeader, mintAccessToken } from './lib/es256-jwt.js';
import { startIssuerStub } from './lib/jwks-server.js';

const KID = 'bench-key';
const AUDIENCE = 'runnerly.io';
const FLATTEN = /\.$/;
const count = Number(process.env.VERIFY_TOKENS ?? 20_000);
const profileFile = process.argv[2];

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const stub = await startIssuerStub(publicKey, KID);
try {
  const { issuer } = stub;
  const header = encodeHeader(KID);
  const tokens = Array.from({ length: count }, () =>
    mintAccessToken(privateKey, header, { issuer, clientId: 'bench-client', audience: AUDIENCE, scope: 'runs:read', lifetimeSeconds: 3600 }),
  );
  // Tokens built by concatenation are flattened by their first use, which would land in whatever reads
  // them first; a request's token arrives flat, and so do the bench's after its first round.
  for (const token of tokens) FLATTEN.test(token);
  const keySource = new JwksKeySource({ issuer });
  await keySource.ready();
  const verifier = createVerifier({ issuer, audience: AUDIENCE, keySource });
  const session = new Session();
  if (profileFile !== undefined) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
  }
  const start = performance.now();
  for (const token of tokens) {
    if (!((await verifier.verify(token)).exp > 0)) throw new Error('verification failed');
  }
  const seconds = (performance.now() - start) / 1000;
  if (profileFile !== undefined) {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(profileFile, JSON.stringify(profile));
    session.disconnect();
  }
  console.log(`${count} tokens in ${seconds.toFixed(2)} s: ${Math.round(count / seconds)} ops/s`);
} finally {
  await stub.close();
}
