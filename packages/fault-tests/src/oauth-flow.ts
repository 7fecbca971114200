// A runner signing in as a browser would, over plain HTTP: the sign-in form (cookie and CSRF token),
// the authorization request of a first-party client (no consent page), the code exchange. What it
// yields is a real refresh token chain and access tokens, as the dashboard holds them.
import { createHash, randomBytes } from 'node:crypto';

export interface WebApp {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  scope: string;
}

export interface TokenAnswer {
  status: number;
  body: { access_token?: string; refresh_token?: string; error?: string };
}

const basic = (app: WebApp): string => `Basic ${Buffer.from(`${encodeURIComponent(app.clientId)}:${encodeURIComponent(app.clientSecret)}`).toString('base64')}`;

export async function tokenRequest(issuer: string, app: WebApp, fields: Record<string, string>, timeoutMs = 10_000): Promise<TokenAnswer> {
  const response = await fetch(`${issuer}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(app) },
    body: new URLSearchParams(fields).toString(),
    signal: AbortSignal.timeout(timeoutMs),
  });
  return { status: response.status, body: (await response.json()) as TokenAnswer['body'] };
}

/** Signs `email` in and runs the authorization code flow; returns the first tokens. */
export async function signInTokens(issuer: string, app: WebApp, email: string, password: string): Promise<{ accessToken: string; refreshToken: string }> {
  const cookies = new Map<string, string>();
  const keep = (response: Response): void => {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
  };
  const cookie = (): string => [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  const form = await fetch(`${issuer}/signin`, { redirect: 'manual' });
  keep(form);
  const csrf = /name="csrf_token" value="([^"]+)"/.exec(await form.text())?.[1];
  if (csrf === undefined) throw new Error('no CSRF token on the sign-in page');
  const signedIn = await fetch(`${issuer}/signin`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookie() },
    body: new URLSearchParams({ csrf_token: csrf, email, password }).toString(),
  });
  keep(signedIn);
  await signedIn.body?.cancel();
  if (signedIn.status !== 303) throw new Error(`sign-in answered ${signedIn.status}`);
  const verifier = randomBytes(32).toString('base64url');
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: app.clientId,
    redirect_uri: app.redirectUri,
    scope: app.scope,
    state: randomBytes(8).toString('hex'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  const authorized = await fetch(`${issuer}/oauth/authorize?${query}`, { redirect: 'manual', headers: { cookie: cookie() } });
  await authorized.body?.cancel();
  const code = new URL(authorized.headers.get('location') ?? 'about:blank', issuer).searchParams.get('code');
  if (code === null) throw new Error(`authorization answered ${authorized.status} without a code (${authorized.headers.get('location')})`);
  const tokens = await tokenRequest(issuer, app, { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: app.redirectUri });
  if (tokens.status !== 200 || !tokens.body.access_token || !tokens.body.refresh_token) throw new Error(`code exchange answered ${tokens.status} ${tokens.body.error ?? ''}`);
  return { accessToken: tokens.body.access_token, refreshToken: tokens.body.refresh_token };
}
