import assert from 'node:assert/strict';
import { InvalidTokenError } from '../../src/index.js';

/** Asserts that `error` is a 401 invalid_token whose description matches `description`. */
export function assertInvalidToken(error: unknown, description: RegExp): true {
  assert.ok(error instanceof InvalidTokenError, `expected InvalidTokenError, got ${String(error)}`);
  assert.equal(error.status, 401);
  assert.equal(error.code, 'invalid_token');
  assert.match(error.description, description);
  return true;
}

export function throwsInvalidToken(fn: () => unknown, description: RegExp): void {
  assert.throws(fn, (error: unknown) => assertInvalidToken(error, description));
}

export async function rejectsInvalidToken(promise: Promise<unknown>, description: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => assertInvalidToken(error, description));
}
