// The plans service's internal API, read with the reports service's own client_credentials token
// for the plans audience (plans:read:all; tokens are per audience, RFC 8707): a runner's plan over
// the days of a month.
import { TokenSource } from '@runnerly/guard';

export interface PlanWindow {
  template: { id: string; name: string };
  race: { id: string; name: string; date: string; distance: number };
  sessions: { date: string; kind: string; title: string; distance: number }[];
}

/** The plan could not be read (no answer, or an answer other than the plan or 404): try again later. */
export class PlansUnavailable extends Error {
  override readonly name = 'PlansUnavailable';
}

const TIMEOUT_MS = 10_000;

export class PlansClient {
  readonly #baseUrl: string;
  readonly #tokens: TokenSource;

  constructor(options: { baseUrl: string; issuer: string; clientId: string; clientSecret: string; audience: string }) {
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#tokens = new TokenSource({ issuer: options.issuer, clientId: options.clientId, clientSecret: options.clientSecret, scope: 'plans:read:all', audience: options.audience });
  }

  /** The runner's plan from `from` to `to` (both included); null when the runner has no plan. */
  async window(sub: string, from: string, to: string): Promise<PlanWindow | null> {
    const path = `/internal/users/${encodeURIComponent(sub)}/plan?from=${from}&to=${to}`;
    let response: Response;
    try {
      response = await this.#tokens.fetch(`${this.#baseUrl}${path}`, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (error) {
      throw new PlansUnavailable(`the plans service did not answer: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (response.status === 404) {
      await response.body?.cancel();
      return null;
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new PlansUnavailable(`the plans service answered ${response.status} to GET ${path.split('?')[0]}`);
    }
    try {
      return (await response.json()) as PlanWindow;
    } catch (error) {
      throw new PlansUnavailable(`the plans service's answer was not JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
