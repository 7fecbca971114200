// Checks what callers pass to add() and list(), the same way for every backend.
import type { JobOptions, ListFilter } from './job.js';

export const DEFAULT_MAX_ATTEMPTS = 8;
const DEFAULT_LIST_LIMIT = 100;
const MAX_LIST_LIMIT = 1000;
const MAX_KEY_LENGTH = 200;
/** Types name Redis keys and log lines: a short word. */
const TYPE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/** A last error longer than this is cut: it is for people reading, not a log store. */
export const MAX_ERROR_LENGTH = 2000;

export function checkType(type: string): string {
  if (typeof type !== 'string' || !TYPE_PATTERN.test(type)) {
    throw new TypeError(`job type must be 1 to 64 letters, digits, "_", "." or "-", starting with a letter or digit: ${JSON.stringify(type)}`);
  }
  return type;
}

export interface CheckedJobOptions {
  key: string | null;
  runAt: number;
  maxAttempts: number;
  priority: number;
}

export function checkJobOptions(options: JobOptions, now: number): CheckedJobOptions {
  const { key, runAt, delayMs, maxAttempts = DEFAULT_MAX_ATTEMPTS, priority = 0 } = options;
  if (key !== undefined && (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH)) {
    throw new TypeError(`job key must be a string of 1 to ${MAX_KEY_LENGTH} characters`);
  }
  if (runAt !== undefined && !(runAt instanceof Date && Number.isFinite(runAt.getTime()))) throw new TypeError('runAt must be a valid Date');
  if (delayMs !== undefined && !(Number.isFinite(delayMs) && delayMs >= 0)) throw new RangeError('delayMs must be a number of milliseconds, 0 or more');
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 1000) throw new RangeError('maxAttempts must be an integer from 1 to 1000');
  // BullMQ's range, so both backends accept the same priorities.
  if (!Number.isInteger(priority) || priority < 0 || priority > 2_097_152) throw new RangeError('priority must be an integer from 0 to 2097152');
  return { key: key ?? null, runAt: runAt ? runAt.getTime() : now + (delayMs ?? 0), maxAttempts, priority };
}

/** Payloads name the work (an athlete, a month), not carry it. */
export const MAX_PAYLOAD_BYTES = 64 * 1024;

export function serializePayload(payload: unknown): string {
  const json = JSON.stringify(payload);
  if (json === undefined) throw new TypeError('job payload must be JSON-serialisable');
  if (Buffer.byteLength(json) > MAX_PAYLOAD_BYTES) throw new RangeError(`job payload must be at most ${MAX_PAYLOAD_BYTES} bytes of JSON`);
  return json;
}

export function listLimit(filter: ListFilter): number {
  const limit = filter.limit ?? DEFAULT_LIST_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) throw new RangeError(`limit must be an integer from 1 to ${MAX_LIST_LIMIT}`);
  return limit;
}

export function errorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message || error.name : String(error);
  return message.slice(0, MAX_ERROR_LENGTH);
}
