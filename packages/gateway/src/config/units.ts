// The textual units of the configuration file: request rates and time spans.

/** "200r/s", "10r/m", "0.5 r/s" (nginx limit_req_zone syntax, an optional space allowed). */
export const RATE_PATTERN = '^\\s*(\\d+(?:\\.\\d+)?)\\s*r/(s|m)\\s*$';
/** "500ms", "1s", "15m", "1h", "1d". */
export const DURATION_PATTERN = '^\\s*(\\d+)\\s*(ms|s|m|h|d)\\s*$';

const RATE = new RegExp(RATE_PATTERN);
const DURATION = new RegExp(DURATION_PATTERN);

const MS_PER_UNIT: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Requests per second of a rate string, or undefined when it is not one. */
export function parseRate(text: string): number | undefined {
  const match = RATE.exec(text);
  if (match === null) return undefined;
  const count = Number(match[1]);
  return match[2] === 'm' ? count / 60 : count;
}

/** Milliseconds of a duration string, or undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (match === null) return undefined;
  return Number(match[1]) * (MS_PER_UNIT[match[2] as string] as number);
}
