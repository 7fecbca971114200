import assert from 'node:assert/strict';
import { UploadRejected } from '../../src/index.js';

/** The UploadRejected the promise rejects with; fails the test if it resolves or rejects otherwise. */
export async function rejection(promise: Promise<unknown>): Promise<UploadRejected> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof UploadRejected, `expected UploadRejected, got ${String(error)}`);
    return error;
  }
  assert.fail('the upload was not rejected');
}
