// The plans of the sections that `npm run bench` and bench/run-token-sections.ts share.
// Many short rounds rather than a few long ones: the token endpoint's measure is the median of the ratios within a round.
export const TOKEN_ENDPOINT_PLAN = { connections: 50, warmupSeconds: 3, durationSeconds: 2, runsPerServer: 12 };
export const VERIFY_PLAN = { distinctTokens: 20_000, rounds: 5, warmupTokens: 2_000, blockSize: 500, cacheHitRepeatsPerBlock: 20_000 };
