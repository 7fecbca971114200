// The data service's internal import API, called with this service's own client_credentials
// token (audience runnerly-data, scope runs:import).
import type { TokenSource } from '@runnerly/guard';
import type { ImportedRun } from '../import/imported-run.js';

/** The data service takes at most this many runs per call. */
export const MAX_RUNS_PER_CALL = 500;

export interface ImportCounts {
  created: number;
  updated: number;
  unchanged: number;
}

/**
 * Unmeasured values are left out rather than sent as null: the data service's schema coerces a
 * null in a nullable number to 0 (a heart rate of 0, a max speed below the average that it then
 * refuses). Left out, they are stored as null. Remove once the data service keeps nulls.
 */
function withoutNullMeasures(run: ImportedRun): Partial<ImportedRun> {
  const sent: Partial<ImportedRun> = { ...run };
  for (const field of ['max_speed', 'average_heartrate', 'max_heartrate'] as const) if (sent[field] === null) delete sent[field];
  return sent;
}

export class DataServiceError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
  ) {
    super(message);
    this.name = 'DataServiceError';
  }
}

export class DataServiceClient {
  constructor(
    private readonly baseUrl: string,
    private readonly tokens: TokenSource,
    private readonly timeoutMs = 15_000,
  ) {}

  /** Upserts the runs (by sub, source, strava_id), in calls of at most 500; each call is all-or-nothing. */
  async importRuns(sub: string, runs: ImportedRun[]): Promise<ImportCounts> {
    const total: ImportCounts = { created: 0, updated: 0, unchanged: 0 };
    for (let start = 0; start < runs.length; start += MAX_RUNS_PER_CALL) {
      const batch = runs.slice(start, start + MAX_RUNS_PER_CALL).map(withoutNullMeasures);
      const counts = (await this.call('PUT', `/internal/users/${encodeURIComponent(sub)}/runs`, { runs: batch })) as Partial<ImportCounts>;
      total.created += Number(counts.created ?? 0);
      total.updated += Number(counts.updated ?? 0);
      total.unchanged += Number(counts.unchanged ?? 0);
    }
    return total;
  }

  async deleteRun(sub: string, stravaId: string): Promise<number> {
    const body = (await this.call('DELETE', `/internal/users/${encodeURIComponent(sub)}/runs/strava/${encodeURIComponent(stravaId)}`)) as { deleted?: number };
    return Number(body.deleted ?? 0);
  }

  async deleteStravaRuns(sub: string): Promise<number> {
    const body = (await this.call('DELETE', `/internal/users/${encodeURIComponent(sub)}/runs?source=strava`)) as { deleted?: number };
    return Number(body.deleted ?? 0);
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    let response: Response;
    try {
      response = await this.tokens.fetch(`${this.baseUrl}${path}`, {
        method,
        headers: body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json', accept: 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new DataServiceError(`data service unreachable: ${error instanceof Error ? error.message : String(error)}`, undefined);
    }
    const text = await response.text();
    if (!response.ok) {
      let detail = '';
      try {
        const problem = JSON.parse(text) as { detail?: string; error_description?: string };
        detail = problem.detail ?? problem.error_description ?? '';
      } catch {
        // Not a problem document: the status says enough.
      }
      throw new DataServiceError(`data service answered ${response.status} to ${method} ${path.split('?')[0]}${detail ? `: ${detail.slice(0, 300)}` : ''}`, response.status);
    }
    try {
      return text === '' ? {} : JSON.parse(text);
    } catch {
      throw new DataServiceError(`data service answered ${response.status} with a body that is not JSON`, response.status);
    }
  }
}
