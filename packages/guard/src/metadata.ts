// Authorization server metadata discovery (RFC 8414).
import { fetchJson, isJsonObject } from './fetch-json.js';

export interface AuthorizationServerMetadata {
  readonly issuer: string;
  readonly jwks_uri?: string;
  readonly token_endpoint?: string;
  readonly [field: string]: unknown;
}

/**
 * Where TokenDealer publishes its metadata: `{issuer}/.well-known/oauth-authorization-server`.
 * (For issuers without a path this is also the RFC 8414 section 3.1 location.)
 */
export function metadataUrl(issuer: string): string {
  return issuer.replace(/\/+$/, '') + '/.well-known/oauth-authorization-server';
}

/** Fetches and validates the metadata of `issuer`; throws an Error describing what was wrong. */
export async function fetchAuthorizationServerMetadata(issuer: string, timeoutMs: number): Promise<AuthorizationServerMetadata> {
  const url = metadataUrl(issuer);
  const { status, body } = await fetchJson(url, { timeoutMs });
  if (status !== 200) throw new Error(`metadata request to ${url} answered HTTP ${status}`);
  if (!isJsonObject(body)) throw new Error(`metadata at ${url} is not a JSON object`);
  // RFC 8414 section 3.3: the issuer in the metadata must be identical to the one we asked for,
  // otherwise an attacker-controlled document could substitute its own keys.
  if (body.issuer !== issuer) {
    throw new Error(`metadata issuer ${JSON.stringify(body.issuer)} does not match the configured issuer ${JSON.stringify(issuer)}`);
  }
  for (const field of ['jwks_uri', 'token_endpoint'] as const) {
    if (body[field] !== undefined && !isHttpUrl(body[field])) throw new Error(`metadata ${field} is not an http(s) URL`);
  }
  return body as AuthorizationServerMetadata;
}

function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const { protocol } = new URL(value);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}
