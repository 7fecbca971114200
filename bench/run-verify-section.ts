// `node bench/dist/run-verify-section.js`: the guard verification section of `npm run bench` alone
// (vs raw node:crypto), with the same plan, printing each variant's median and its ratio to raw.
// For tuning the guard's hot path in a minute and a half; writes no report files
// (bench/run-token-sections.ts measures sections 1 to 3 into the report).
import { VERIFY_PLAN } from './lib/plans.js';
import { benchVerification, VERIFY_VARIANTS, type VerifyVariantName } from './lib/verify-bench.js';

const results = await benchVerification(VERIFY_PLAN, (line) => console.log(line));
const variants = Object.keys(VERIFY_VARIANTS) as VerifyVariantName[];
const opsOf = (variant: VerifyVariantName) => results.samples.filter((s) => s.variant === variant).map((s) => s.opsPerSecond);
const medianOf = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const raw = medianOf(opsOf('raw'));
const rawByRound = opsOf('raw');
for (const variant of variants) {
  const ops = opsOf(variant);
  // The ratio of each round's own raw figure too: rounds share the machine's slow moments.
  const roundRatios = ops.map((value, index) => value / rawByRound[index]!);
  console.log(
    `${variant.padEnd(24)} median ${Math.round(medianOf(ops))} ops/s, ${(medianOf(ops) / raw).toFixed(3)} x raw ` +
      `(median of round ratios ${medianOf(roundRatios).toFixed(3)})`,
  );
}
