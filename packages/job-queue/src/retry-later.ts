/**
 * Thrown by a handler to have its job run again at `at` without counting an attempt: a pause
 * the job was told to take (a rate limit), not a failure.
 */
export class RetryLater extends Error {
  override readonly name = 'RetryLater';

  constructor(
    readonly at: Date,
    reason?: string,
  ) {
    if (!(at instanceof Date) || !Number.isFinite(at.getTime())) throw new TypeError('RetryLater needs a valid Date');
    super(reason ?? `retry at ${at.toISOString()}`);
  }
}
