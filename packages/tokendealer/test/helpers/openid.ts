// Helpers for the OpenID Connect tests: openid-client configured for a registered client, and the
// browser leg of the code flow (a signed-in WebClient follows the authorization URL).
import assert from 'node:assert/strict';
import * as client from 'openid-client';
import type { WebClient } from './web-client.js';
import { pendingIdOf, redirectOf } from './authorization.js';
import type { TestServer } from './test-server.js';

export const CALLBACK = 'http://127.0.0.1:9/callback';
export const SIGNED_OUT = 'http://127.0.0.1:9/signed-out';
export const API = 'http://127.0.0.1:8080/api';

/** A confidential client like the dashboard: code + refresh, openid profile email and an API scope. */
export async function registerRelyingParty(server: TestServer, overrides: Parameters<TestServer['createClient']>[0] = {}) {
  return server.createClient({
    name: 'Dashboard',
    grantTypes: ['authorization_code', 'refresh_token'],
    redirectUris: [CALLBACK],
    postLogoutRedirectUris: [SIGNED_OUT],
    scopes: ['openid', 'profile', 'email', 'runs:read'],
    audiences: [API],
    firstParty: true,
    ...overrides,
  });
}

export async function discover(server: TestServer, registered: { client_id: string; client_secret: string }, metadata: Partial<client.ClientMetadata> = {}) {
  return client.discovery(new URL(server.url), registered.client_id, { ...metadata }, client.ClientSecretBasic(registered.client_secret), {
    execute: [client.allowInsecureRequests],
  });
}

/** The browser's way through the authorization endpoint, to the callback URL (allowing on the consent page when one shows). */
export async function authorizeInBrowser(browser: WebClient, authorizationUrl: URL, base: string): Promise<URL> {
  let response = await browser.get(authorizationUrl.pathname + authorizationUrl.search);
  if (response.status === 200) {
    assert.match(response.body, /Allow access to your account/);
    response = await browser.post('/oauth/consent', { pending_id: pendingIdOf(response), decision: 'allow' });
  }
  return redirectOf(response, base);
}

export interface FlowOptions {
  scope?: string;
  nonce?: string;
  extra?: Record<string, string>;
}

/** The code flow with PKCE, nonce and state, as openid-client builds it; returns the callback URL and what the client must expect. */
export async function startCodeFlow(config: client.Configuration, browser: WebClient, base: string, options: FlowOptions = {}) {
  const verifier = client.randomPKCECodeVerifier();
  const nonce = options.nonce ?? client.randomNonce();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: CALLBACK,
    scope: options.scope ?? 'openid profile email runs:read',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    nonce,
    state,
    resource: API,
    ...options.extra,
  });
  const callback = await authorizeInBrowser(browser, url, base);
  return { callback, verifier, nonce, state };
}
