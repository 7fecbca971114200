// A small third-party web app for the end-to-end tests: it signs its users in through
// TokenDealer with openid-client (an independent, standard OAuth client), then calls a
// resource API protected by the guard.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oauth from 'openid-client';

export interface DemoClientApp {
  url: string;
  close(): Promise<void>;
}

interface Session {
  verifier: string;
  state: string;
  refreshToken?: string;
}

const page = (body: string): string => `<!doctype html><html lang="en"><head><title>Demo app</title></head><body><main>${body}</main></body></html>`;

export async function startDemoClientApp(options: {
  issuer: string;
  clientId: string;
  clientSecret: string;
  apiUrl: string;
  scope: string;
  resource: string;
}): Promise<DemoClientApp> {
  let base = '';
  // One browser drives the app in a test: one session is enough, kept in memory.
  let session: Session | undefined;
  const config = await oauth.discovery(new URL(options.issuer), options.clientId, options.clientSecret, oauth.ClientSecretBasic(options.clientSecret), {
    execute: [oauth.allowInsecureRequests],
  });

  async function handle(path: string, url: URL): Promise<{ status: number; location?: string; html?: string }> {
    if (path === '/login') {
      const verifier = oauth.randomPKCECodeVerifier();
      session = { verifier, state: oauth.randomState() };
      const target = oauth.buildAuthorizationUrl(config, {
        redirect_uri: `${base}/callback`,
        scope: options.scope,
        resource: options.resource,
        state: session.state,
        code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      });
      return { status: 302, location: target.href };
    }
    if (path === '/callback') {
      if (!session) return { status: 400, html: page('<h1>No login in progress</h1>') };
      const tokens = await oauth.authorizationCodeGrant(config, url, { pkceCodeVerifier: session.verifier, expectedState: session.state });
      session.refreshToken = tokens.refresh_token;
      const api = await fetch(options.apiUrl, { headers: { authorization: `Bearer ${tokens.access_token}` } });
      const runner = ((await api.json()) as { runner?: string }).runner ?? 'nobody';
      return { status: 200, html: page(`<h1>Connected</h1><p id="api">API status ${api.status}, runner ${runner}</p>`) };
    }
    if (path === '/refresh') {
      if (!session?.refreshToken) return { status: 400, html: page('<h1>Not connected</h1>') };
      try {
        const tokens = await oauth.refreshTokenGrant(config, session.refreshToken);
        session.refreshToken = tokens.refresh_token ?? session.refreshToken;
        const api = await fetch(options.apiUrl, { headers: { authorization: `Bearer ${tokens.access_token}` } });
        return { status: 200, html: page(`<h1>Refreshed</h1><p id="api">API status ${api.status}</p>`) };
      } catch (error) {
        const code = error instanceof oauth.ResponseBodyError ? error.error : 'request_failed';
        return { status: 200, html: page(`<h1>Refresh failed</h1><p id="error">${code}</p>`) };
      }
    }
    return { status: 404, html: page('<h1>Not found</h1>') };
  }

  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', base);
    handle(url.pathname, url).then(
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
  return { url: base, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
