// What the plans service reads from the data service, on the runner's behalf: the public API is
// one resource, so the runner's own access token (which reached this service) reaches it too, and
// only for that runner's data.
export interface RunnerProfile {
  timezone: string;
  units: 'km' | 'mi';
}

export interface Race {
  id: string;
  name: string;
  date: string;
  distance: number;
}

export interface RunSummary {
  start_date_local: string | null;
  start_date: string;
  distance: number;
}

export class DataServiceError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'DataServiceError';
  }
}

const TIMEOUT_MS = 5000;

export class DataServiceClient {
  readonly #baseUrl: string;

  constructor(baseUrl: string) {
    this.#baseUrl = baseUrl.replace(/\/+$/, '');
  }

  async #get<T>(path: string, token: string): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.#baseUrl}${path}`, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' }, signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (error) {
      throw new DataServiceError(503, `the data service did not answer: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new DataServiceError(response.status, `the data service answered ${response.status} to GET ${path.split('?')[0]}`);
    }
    return (await response.json()) as T;
  }

  profile(token: string): Promise<RunnerProfile> {
    return this.#get('/api/data/users/me', token);
  }

  race(token: string, raceId: string): Promise<Race> {
    return this.#get(`/api/data/races/${encodeURIComponent(raceId)}`, token);
  }

  /** Average weekly distance over the four full weeks before `monday`, in metres. */
  async recentWeeklyDistance(token: string, fromMonday: string, toSunday: string): Promise<number> {
    const { totals } = await this.#get<{ totals: { distance: number }[] }>(`/api/data/users/me/totals?period=week&from=${fromMonday}&to=${toSunday}`, token);
    return totals.length === 0 ? 0 : totals.reduce((sum, week) => sum + week.distance, 0) / totals.length;
  }

  async runsOfMonth(token: string, year: number, month: number): Promise<RunSummary[]> {
    const { runs } = await this.#get<{ runs: RunSummary[] }>(`/api/data/users/me/runs?year=${year}&month=${month}`, token);
    return runs;
  }
}
