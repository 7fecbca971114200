// A small web app signing its users in with OpenID Connect, as the dashboard will: openid-client
// with discovery, the code flow with PKCE and nonce, the ID token for who the user is, userinfo,
// and RP-initiated logout (buildEndSessionUrl).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oidc from 'openid-client';

export interface RelyingParty {
  url: string;
  close(): Promise<void>;
}

interface Login {
  verifier: string;
  state: string;
  nonce: string;
  idToken?: string;
}

const escape = (value: unknown): string => String(value).replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
const page = (body: string): string => `<!doctype html><html lang="en"><head><title>Relying party</title></head><body><main>${body}</main></body></html>`;

export async function startRelyingParty(options: {
  issuer: string;
  /** Registers the client once the app's address is known (its redirect URIs name it). */
  register(base: string): Promise<{ client_id: string; client_secret: string }>;
  scope: string;
  resource: string;
  loginHint?: string;
}): Promise<RelyingParty> {
  let base = '';
  // Set once the client is registered, which needs the address the server listens on.
  const client: { config?: oidc.Configuration } = {};
  // One browser drives the app in a test: one login is enough, kept in memory.
  let login: Login | undefined;

  async function handle(url: URL): Promise<{ status: number; location?: string; html?: string }> {
    const config = client.config;
    if (!config) throw new Error('not configured');
    if (url.pathname === '/login') {
      const verifier = oidc.randomPKCECodeVerifier();
      login = { verifier, state: oidc.randomState(), nonce: oidc.randomNonce() };
      const target = oidc.buildAuthorizationUrl(config, {
        redirect_uri: `${base}/callback`,
        scope: options.scope,
        resource: options.resource,
        state: login.state,
        nonce: login.nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        ...(options.loginHint ? { login_hint: options.loginHint } : {}),
      });
      return { status: 302, location: target.href };
    }
    if (url.pathname === '/callback') {
      if (!login) return { status: 400, html: page('<h1>No login in progress</h1>') };
      const tokens = await oidc.authorizationCodeGrant(config, url, { pkceCodeVerifier: login.verifier, expectedState: login.state, expectedNonce: login.nonce, idTokenExpected: true });
      const claims = tokens.claims()!;
      login.idToken = tokens.id_token;
      const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
      return {
        status: 200,
        html: page(`<h1>Hello</h1><p id="email">${escape(claims.email)}</p><p id="sub">${escape(claims.sub)}</p><p id="userinfo">${escape(userinfo.preferred_username)}</p>`),
      };
    }
    if (url.pathname === '/logout') {
      if (!login?.idToken) return { status: 400, html: page('<h1>Not signed in</h1>') };
      const target = oidc.buildEndSessionUrl(config, { id_token_hint: login.idToken, post_logout_redirect_uri: `${base}/signed-out`, state: 'after-logout' });
      return { status: 302, location: target.href };
    }
    if (url.pathname === '/signed-out') {
      return { status: 200, html: page(`<h1>Signed out</h1><p id="state">${escape(url.searchParams.get('state'))}</p>`) };
    }
    return { status: 404, html: page('<h1>Not found</h1>') };
  }

  const server: Server = createServer((request, response) => {
    handle(new URL(request.url ?? '/', base)).then(
      (result) => {
        response.writeHead(result.status, result.location ? { location: result.location } : { 'content-type': 'text/html; charset=utf-8' });
        response.end(result.html ?? '');
      },
      (error: unknown) => {
        response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(String(error));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const registered = await options.register(base);
  client.config = await oidc.discovery(new URL(options.issuer), registered.client_id, registered.client_secret, oidc.ClientSecretBasic(registered.client_secret), {
    execute: [oidc.allowInsecureRequests],
  });
  return { url: base, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
