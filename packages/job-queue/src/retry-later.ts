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
    super(reason ?? `retry at ${at.toISOString()}`);
  }
}
