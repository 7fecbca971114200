// The data service's internal API, read with the reports service's own client_credentials token
// (runs:read:all for runnerly-data): which runners ran in a month, their runs and their profile.
import { TokenSource } from '@runnerly/guard';

export interface RunnerProfile {
  id: string;
  display_name: string | null;
  email: string | null;
  units: 'km' | 'mi';
  report_emails: boolean;
}

export interface RunRecord {
  start_date: string;
  /** Wall time where the run started: its day on the runner's calendar. */
  start_date_local: string | null;
  distance: number;
  moving_time: number;
  total_elevation_gain: number;
}

export class DataServiceUnavailable extends Error {
  override readonly name = 'DataServiceUnavailable';
}

const TIMEOUT_MS = 10_000;

export class DataServiceClient {
  readonly #baseUrl: string;
  readonly #tokens: TokenSource;

  constructor(options: { baseUrl: string; issuer: string; clientId: string; clientSecret: string; audience: string }) {
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#tokens = new TokenSource({ issuer: options.issuer, clientId: options.clientId, clientSecret: options.clientSecret, scope: 'runs:read:all', audience: options.audience });
  }

  async #get<T>(path: string): Promise<T> {
    let response: Response;
    try {
      response = await this.#tokens.fetch(`${this.#baseUrl}${path}`, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (error) {
      throw new DataServiceUnavailable(`the data service did not answer: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new DataServiceUnavailable(`the data service answered ${response.status} to GET ${path.split('?')[0]}`);
    }
    return (await response.json()) as T;
  }

  /** One page of the runners with runs in `month`. */
  async runnersActiveIn(month: string, cursor: string | null): Promise<{ runners: string[]; nextCursor: string | null }> {
    const page = await this.#get<{ runners: (string | { id?: string; sub?: string })[]; next_cursor: string | null }>(
      `/internal/runners?active_in=${month}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    return { runners: page.runners.map((runner) => (typeof runner === 'string' ? runner : (runner.sub ?? runner.id ?? ''))).filter(Boolean), nextCursor: page.next_cursor };
  }

  profile(sub: string): Promise<RunnerProfile> {
    return this.#get(`/internal/users/${encodeURIComponent(sub)}`);
  }

  async runsOfMonth(sub: string, month: string): Promise<RunRecord[]> {
    const runs: RunRecord[] = [];
    let cursor: string | null = null;
    do {
      const page: { runs: RunRecord[]; next_cursor?: string | null } = await this.#get(
        `/internal/users/${encodeURIComponent(sub)}/runs?year=${Number(month.slice(0, 4))}&month=${Number(month.slice(5, 7))}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      runs.push(...page.runs);
      cursor = page.next_cursor ?? null;
    } while (cursor !== null && runs.length < 100_000);
    return runs;
  }
}
