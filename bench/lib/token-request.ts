// Single token requests, made before the load to prove the endpoint answers what we expect
// (a load of fast 4xx responses would otherwise look like a great result), and to set up what the load presents.
import { basicAuthorization, type TokenRequest } from './http-load.js';

export async function requestToken(target: TokenRequest): Promise<string> {
  const response = await fetch(new URL(target.path, target.url), {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: basicAuthorization(target.clientId, target.clientSecret),
    },
    body: 'grant_type=client_credentials',
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`token request to ${target.url} answered HTTP ${response.status}: ${text.slice(0, 300)}`);
  const body = JSON.parse(text) as { access_token?: unknown; token_type?: unknown };
  if (typeof body.access_token !== 'string' || body.token_type !== 'Bearer') {
    throw new Error(`token response from ${target.url} has no Bearer access_token: ${text.slice(0, 300)}`);
  }
  return body.access_token;
}

/** One POST to a token endpoint with client_secret_basic: the status and the JSON body, whatever they are. */
export async function postTokenForm(target: TokenRequest, form: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(new URL(target.path, target.url), {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: basicAuthorization(target.clientId, target.clientSecret),
    },
    body: new URLSearchParams(form).toString(),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) as Record<string, unknown> };
  } catch {
    throw new Error(`token endpoint ${target.url} answered HTTP ${response.status} without JSON: ${text.slice(0, 300)}`);
  }
}
