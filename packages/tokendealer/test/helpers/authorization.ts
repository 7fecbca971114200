// Helpers for the authorization endpoint tests: users that can sign in, PKCE pairs, request
// URLs, and reading the redirect a response carries.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { challengeOf } from '../../src/oauth/pkce.js';
import { WebClient, type PageResponse } from './web-client.js';
import type { TestServer } from './test-server.js';

export const PASSWORD = 'correct horse battery staple';
let counter = 0;

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: challengeOf(verifier) };
}

/** A confirmed user and a browser signed in as them. */
export async function signedInBrowser(server: TestServer): Promise<{ browser: WebClient; email: string; userId: string }> {
  const email = `authz.${++counter}.${Date.now()}@runnerly.test`;
  const user = await server.tokenDealer.accounts.create(email, PASSWORD, true);
  const browser = new WebClient(server.url);
  await browser.get('/signin');
  const signedIn = await browser.post('/signin', { email, password: PASSWORD });
  assert.equal(signedIn.status, 303);
  return { browser, email, userId: user.id };
}

/** The query of an authorization request: defaults, overridden; null leaves a parameter out. */
export function authorizeQuery(defaults: Record<string, string>, overrides: Record<string, string | null> = {}): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries({ ...defaults, ...overrides })) if (value !== null) query.append(name, value);
  return query.toString();
}

/** The Location of a redirect, as a URL (relative locations against the server). */
export function redirectOf(response: PageResponse, base: string): URL {
  assert.equal(response.status, 303, `expected a redirect, got ${response.status}: ${response.body.slice(0, 400)}`);
  const location = response.headers.get('location');
  assert.ok(location, 'a Location header');
  return new URL(location, base);
}

export function pendingIdOf(page: PageResponse): string {
  const match = /name="pending_id" value="([^"]+)"/.exec(page.body);
  assert.ok(match, `a consent form in: ${page.body.slice(0, 400)}`);
  return match[1]!;
}
