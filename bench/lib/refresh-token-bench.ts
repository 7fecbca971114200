// The refresh_token grant under load, against a TokenDealer already running: a rotating client, where
// every refresh answers a new refresh token that the next request of its chain must present, and a
// non-rotating one presenting the same token every time, loaded alternately. Every refresh token
// family starts as a real one does: an authorization code with a PKCE challenge, written through
// TokenDealer's own storage as its authorization endpoint writes it, exchanged at the token endpoint.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type * as OpaqueTokenModule from '../../packages/tokendealer/dist/src/tokens/opaque-token.js';
import type * as PkceModule from '../../packages/tokendealer/dist/src/oauth/pkce.js';
import type * as StorageModule from '../../packages/tokendealer/dist/src/storage/index.js';
import { createVerifier } from '@runnerly/guard';
import type { ServerProcess } from './child-processes.js';
import { basicAuthorization, ConnectionSlots, runHttpLoad, type HttpRequestSpec, type LoadOptions, type LoadResult, type TokenRequest } from './http-load.js';
import { TOKENDEALER_OPAQUE_TOKEN_URL, TOKENDEALER_PKCE_URL, TOKENDEALER_STORAGE_URL } from './paths.js';
import { postTokenForm } from './token-request.js';
import { TOKEN_PATH } from './token-endpoint-bench.js';

/** What the clients of this section are registered for (`tokendealer clients create`). */
export const USER_GRANT_SCOPE = 'runs:read';
export const USER_GRANT_AUDIENCE = 'https://api.runnerly.io';
export const REDIRECT_URI = 'https://bench.example/cb';

export type RefreshVariant = 'rotating' | 'nonRotating';

export const REFRESH_VARIANTS: Record<RefreshVariant, string> = {
  rotating: 'rotating (the default): a new refresh token per request, one chain per connection',
  nonRotating: 'non-rotating (--no-refresh-rotation): the same refresh token every request',
};

export interface RefreshPlan extends LoadOptions {
  warmupSeconds: number;
  rounds: number;
}

export interface RefreshRun extends LoadResult {
  variant: RefreshVariant;
  round: number;
  order: number;
  /** Rotating: chains that got a non-200, or a 200 without a new refresh token; each such chain is broken. */
  brokenChains: number | undefined;
  /** Rotating: 200 answers that carried a new refresh token for their chain. */
  rotations: number | undefined;
  /** Rotating: requests sent with no idle chain to take (only after a lost response); must be 0. */
  chainlessRequests: number | undefined;
}

export interface RefreshPreflight {
  /** A rotating refresh answered a new refresh token, and that one refreshed again. */
  rotatingAnswersNewToken: boolean;
  /** A non-rotating refresh answered no new refresh token, and the same one refreshed again. */
  nonRotatingKeepsToken: boolean;
  /** The access token of a refresh passed the guard (issuer, audience, scope, signature). */
  accessTokenVerified: boolean;
}

export interface RefreshResults {
  plan: RefreshPlan;
  /** Refresh token families started before the load: a fresh one per connection for every rotating run (warm-up too), one for the non-rotating client. */
  familiesStarted: number;
  /** Inserting their codes through the storage and exchanging them over HTTP, before any load. */
  familySetupSeconds: number;
  preflight: RefreshPreflight;
  runs: RefreshRun[];
}

export interface UserGrantClients {
  rotating: TokenRequest;
  nonRotating: TokenRequest;
}

/**
 * Starts `count` refresh token families of `client` for `userId`: the user's consent, then one code per
 * family, inserted with a PKCE challenge (as test/user-grants.test.ts does), then exchanged with its
 * verifier at the token endpoint.
 */
async function startFamilies(databaseUrl: string, client: TokenRequest, userId: string, count: number): Promise<string[]> {
  const { openStorage } = (await import(TOKENDEALER_STORAGE_URL)) as typeof StorageModule;
  const { challengeOf } = (await import(TOKENDEALER_PKCE_URL)) as typeof PkceModule;
  const { newOpaqueToken } = (await import(TOKENDEALER_OPAQUE_TOKEN_URL)) as typeof OpaqueTokenModule;
  const now = Math.floor(Date.now() / 1000);
  const codes: { code: string; verifier: string }[] = [];
  // The same SQLite file as the server (WAL: the server keeps reading while this writes).
  const storage = await openStorage(databaseUrl);
  try {
    // The user's consent to the client comes first, as on the consent page; codes are only redeemed while it stands.
    await storage.consents.grant(userId, client.clientId, [USER_GRANT_SCOPE], now);
    for (let i = 0; i < count; i++) {
      const verifier = randomBytes(32).toString('base64url');
      const code = newOpaqueToken();
      await storage.authorizationCodes.create({
        codeHash: code.hash,
        clientId: client.clientId,
        userId,
        redirectUri: REDIRECT_URI,
        scopes: [USER_GRANT_SCOPE],
        audience: USER_GRANT_AUDIENCE,
        codeChallenge: challengeOf(verifier),
        authTime: now - 5,
        createdAt: now,
        expiresAt: now + 600,
      });
      codes.push({ code: code.value, verifier });
    }
  } finally {
    await storage.close();
  }
  const refreshTokens: string[] = [];
  // A few exchanges at a time: quick, and no load on the server worth measuring.
  let next = 0;
  const exchangeNext = async (): Promise<void> => {
    for (let i = next++; i < codes.length; i = next++) {
      const { code, verifier } = codes[i]!;
      const { status, body } = await postTokenForm(client, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier });
      if (status !== 200 || typeof body.refresh_token !== 'string') {
        throw new Error(`authorization code exchange answered HTTP ${status} without a refresh token: ${JSON.stringify(body).slice(0, 300)}`);
      }
      refreshTokens[i] = body.refresh_token;
    }
  };
  await Promise.all(Array.from({ length: 8 }, exchangeNext));
  return refreshTokens;
}

const refreshForm = (refreshToken: string) => ({ grant_type: 'refresh_token', refresh_token: refreshToken });
const refreshBody = (refreshToken: string) => new URLSearchParams(refreshForm(refreshToken)).toString();

/** Both clients refresh twice in a row as the load will, and one access token must pass the guard. */
async function preflight(server: ServerProcess, clients: UserGrantClients, rotatingToken: string, nonRotatingToken: string): Promise<RefreshPreflight> {
  const first = await postTokenForm(clients.rotating, refreshForm(rotatingToken));
  const successor = first.body.refresh_token;
  const second = typeof successor === 'string' ? await postTokenForm(clients.rotating, refreshForm(successor)) : undefined;
  const rotatingAnswersNewToken = first.status === 200 && typeof successor === 'string' && successor !== rotatingToken && second?.status === 200;

  const kept = [await postTokenForm(clients.nonRotating, refreshForm(nonRotatingToken)), await postTokenForm(clients.nonRotating, refreshForm(nonRotatingToken))];
  const nonRotatingKeepsToken = kept.every(({ status, body }) => status === 200 && body.refresh_token === undefined);

  let accessTokenVerified = false;
  const accessToken = kept[1]!.body.access_token;
  if (typeof accessToken === 'string') {
    await createVerifier({ issuer: server.url, audience: USER_GRANT_AUDIENCE }).verify(accessToken, { scopes: [USER_GRANT_SCOPE] });
    accessTokenVerified = true;
  }
  return { rotatingAnswersNewToken, nonRotatingKeepsToken, accessTokenVerified };
}

/** Refresh token chains for one rotating run, one per connection, each presented with its latest token. */
class RefreshChains {
  private readonly slots: ConnectionSlots;
  private readonly broken = new Set<number>();
  rotations = 0;

  constructor(private readonly tokens: string[]) {
    this.slots = new ConnectionSlots(tokens.length);
  }

  get brokenChains(): number {
    return this.broken.size;
  }

  get chainlessRequests(): number {
    return this.slots.slotlessRequests;
  }

  request(client: TokenRequest): HttpRequestSpec {
    return {
      url: new URL(client.path, client.url).href,
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuthorization(client.clientId, client.clientSecret) },
      dynamic: this.slots.dynamic(
        (chain) => refreshBody(this.tokens[chain]!),
        (chain, status, body) => {
          const successor = status === 200 ? parseRefreshToken(body) : undefined;
          if (successor === undefined || successor === this.tokens[chain]) {
            this.broken.add(chain);
          } else {
            this.tokens[chain] = successor;
            this.rotations++;
          }
        },
      ),
    };
  }
}

function parseRefreshToken(body: string): string | undefined {
  try {
    const token = (JSON.parse(body) as { refresh_token?: unknown }).refresh_token;
    return typeof token === 'string' ? token : undefined;
  } catch {
    return undefined;
  }
}

export async function benchRefreshTokens(
  server: ServerProcess,
  databaseUrl: string,
  userId: string,
  clients: UserGrantClients,
  plan: RefreshPlan,
  log: (line: string) => void,
): Promise<RefreshResults> {
  // Rotated tokens of an interrupted run (a request in flight when the run stopped) must not be presented
  // again later, so every rotating run, the warm-up too, gets families of its own, all started up front.
  const rotatingRuns = plan.rounds + 1;
  const setupStarted = performance.now();
  const rotatingTokens = await startFamilies(databaseUrl, clients.rotating, userId, rotatingRuns * plan.connections + 1);
  const [nonRotatingToken] = await startFamilies(databaseUrl, clients.nonRotating, userId, 1);
  const familySetupSeconds = (performance.now() - setupStarted) / 1000;
  const chainSets = Array.from({ length: rotatingRuns }, (_, run) => rotatingTokens.slice(run * plan.connections, (run + 1) * plan.connections));
  log(`  started ${rotatingTokens.length + 1} refresh token families in ${familySetupSeconds.toFixed(1)} s`);

  const checked = await preflight(server, clients, rotatingTokens.at(-1)!, nonRotatingToken!);
  if (!checked.rotatingAnswersNewToken || !checked.nonRotatingKeepsToken || !checked.accessTokenVerified) {
    throw new Error(`refresh_token grant does not behave as the load assumes: ${JSON.stringify(checked)}`);
  }

  const nonRotatingRequest: HttpRequestSpec = {
    url: new URL(TOKEN_PATH, server.url).href,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuthorization(clients.nonRotating.clientId, clients.nonRotating.clientSecret) },
    body: refreshBody(nonRotatingToken!),
  };
  const load = async (variant: RefreshVariant, options: LoadOptions, chainSet: number) => {
    if (variant === 'nonRotating') return { result: await runHttpLoad(nonRotatingRequest, server.pid, options), chains: undefined };
    const chains = new RefreshChains(chainSets[chainSet]!);
    return { result: await runHttpLoad(chains.request(clients.rotating), server.pid, options), chains };
  };

  const variants: RefreshVariant[] = ['rotating', 'nonRotating'];
  for (const variant of variants) {
    log(`  warm-up ${variant} (${plan.warmupSeconds} s)`);
    await load(variant, { ...plan, durationSeconds: plan.warmupSeconds }, 0);
  }
  const runs: RefreshRun[] = [];
  for (let round = 0; round < plan.rounds; round++) {
    // Alternate which variant goes first, so neither always follows the other's heat.
    const order = round % 2 === 0 ? variants : [...variants].reverse();
    for (const variant of order) {
      const { result, chains } = await load(variant, plan, round + 1);
      const run: RefreshRun = {
        variant,
        round: round + 1,
        order: runs.length + 1,
        ...result,
        brokenChains: chains?.brokenChains,
        rotations: chains?.rotations,
        chainlessRequests: chains?.chainlessRequests,
      };
      runs.push(run);
      log(
        `  run ${run.order} ${variant.padEnd(11)} ${Math.round(result.requestsPerSecond)} req/s, p99 ${result.latencyP99Ms} ms, ` +
          `non-2xx ${result.non2xx}, errors ${result.errors + result.timeouts}` +
          (chains === undefined ? '' : `, broken chains ${chains.brokenChains}`) +
          `, server CPU ${result.serverCpuCores?.toFixed(2) ?? 'n/a'}`,
      );
    }
  }
  return { plan, familiesStarted: rotatingTokens.length + 1, familySetupSeconds, preflight: checked, runs };
}
