/** RFC 6749 section 4.1.2: the response goes in the query of the redirect URI, keeping its own query. */
export function authorizationResponseUrl(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.append(name, value);
  return url.href;
}

/** RFC 6749 section 4.1.2 with RFC 9207 section 2: code, state and the issuer that answered. */
export function codeResponseUrl(redirectUri: string, code: string, state: string | undefined, issuer: string): string {
  return authorizationResponseUrl(redirectUri, { code, state, iss: issuer });
}
