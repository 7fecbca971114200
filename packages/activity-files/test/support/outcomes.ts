import assert from 'node:assert/strict';
import { parseUpload, type FileOutcome, type ImportLimits, type ParsedRun } from '../../src/index.js';

/** Parses a single-file upload and returns its one outcome. */
export async function parseOne(fileName: string, data: Uint8Array | string, limits?: Partial<ImportLimits>): Promise<FileOutcome> {
  const outcomes = await parseUpload(fileName, typeof data === 'string' ? new TextEncoder().encode(data) : data, limits);
  assert.equal(outcomes.length, 1);
  return outcomes[0]!;
}

/** The run of a `parsed` outcome; fails the test with the outcome otherwise. */
export function runOf(outcome: FileOutcome): ParsedRun {
  assert.equal(outcome.status, 'parsed', JSON.stringify(outcome));
  return (outcome as Extract<FileOutcome, { status: 'parsed' }>).run;
}

export function assertNear(actual: number | null, expected: number, tolerance: number, what: string): void {
  assert.ok(actual !== null && Math.abs(actual - expected) <= tolerance, `${what}: expected ${expected} ± ${tolerance}, got ${actual}`);
}
