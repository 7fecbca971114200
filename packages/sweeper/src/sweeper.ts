// Deletes what expired, in the background. Each task deletes at most `batchSize` rows per call and
// is called again while it fills its batches, so one run never holds a long lock or a huge
// transaction. Deletes must be idempotent ("delete what expired before now"): every instance of a
// service runs its own sweeper on the shared database, and two deleting the same rows is harmless.

export interface SweepTask {
  /** What it deletes (a table's name): the label of the deleted-rows count and of the logs. */
  name: string;
  /** Deletes up to `limit` rows that expired as of `now` (epoch milliseconds); returns how many. */
  sweep(now: number, limit: number): Promise<number>;
}

export interface SweeperLogger {
  info(object: object, message: string): void;
  error(object: object, message: string): void;
}

export interface SweeperOptions {
  tasks: readonly SweepTask[];
  /** Time between two runs, in milliseconds. */
  intervalMs: number;
  /** Rows deleted per statement; default 500. */
  batchSize?: number;
  /** Batches per task and run; what is left waits for the next run. Default 100. */
  maxBatches?: number;
  /** The clock that decides what expired (epoch milliseconds); tests pass a simulated one. */
  clock?: () => number;
  logger?: SweeperLogger;
  /** Called with every batch's deletions, e.g. to count them in a metric. */
  onDeleted?: (task: string, rows: number) => void;
}

/** Rows deleted by one run, by task. */
export type SweepResult = Record<string, number>;

export class Sweeper {
  readonly #options: Required<Omit<SweeperOptions, 'logger' | 'onDeleted'>> & Pick<SweeperOptions, 'logger' | 'onDeleted'>;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<SweepResult> | undefined;

  constructor(options: SweeperOptions) {
    if (!(options.intervalMs > 0)) throw new RangeError('Sweeper: intervalMs must be positive');
    this.#options = { batchSize: 500, maxBatches: 100, clock: Date.now, ...options };
    if (!(this.#options.batchSize > 0) || !(this.#options.maxBatches > 0)) throw new RangeError('Sweeper: batchSize and maxBatches must be positive');
  }

  /** Runs every intervalMs until stop(); the timer does not keep the process alive. */
  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.run().catch(() => {}), this.#options.intervalMs);
    this.#timer.unref();
  }

  /** Stops the timer and waits for a run in flight. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running?.catch(() => {});
  }

  /**
   * One run over every task (a run already in flight is joined, not doubled). A failing task is
   * logged and the others still run; the run rejects only if every task failed. `now` overrides
   * the clock for this run (a caller that keeps its own time).
   */
  run(now = this.#options.clock()): Promise<SweepResult> {
    this.#running ??= this.#runTasks(now).finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #runTasks(now: number): Promise<SweepResult> {
    const { tasks, logger } = this.#options;
    const result: SweepResult = {};
    let failures = 0;
    let lastError: unknown;
    for (const task of tasks) {
      try {
        result[task.name] = await this.#sweepTask(task, now);
      } catch (error) {
        failures++;
        lastError = error;
        logger?.error({ err: error, table: task.name }, 'sweeping expired rows failed');
      }
    }
    const deleted = Object.entries(result).filter(([, rows]) => rows > 0);
    if (deleted.length > 0) logger?.info({ deleted: Object.fromEntries(deleted) }, 'expired rows deleted');
    if (tasks.length > 0 && failures === tasks.length) throw lastError;
    return result;
  }

  async #sweepTask(task: SweepTask, now: number): Promise<number> {
    const { batchSize, maxBatches, onDeleted } = this.#options;
    let total = 0;
    for (let batch = 0; batch < maxBatches; batch++) {
      const rows = await task.sweep(now, batchSize);
      total += rows;
      if (rows > 0) onDeleted?.(task.name, rows);
      if (rows < batchSize) break;
    }
    return total;
  }
}
