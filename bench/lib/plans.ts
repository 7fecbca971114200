// The plans of the sections that `npm run bench` and bench/run-token-sections.ts share.
export const TOKEN_ENDPOINT_PLAN = { connections: 50, warmupSeconds: 3, durationSeconds: 5, runsPerServer: 5 };
export const VERIFY_PLAN = { distinctTokens: 20_000, rounds: 5, warmupTokens: 2_000, blockSize: 500, cacheHitRepeatsPerBlock: 20_000 };
