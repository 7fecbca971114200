// OpenID Connect Core section 5.4: the claims each scope releases, and the values of a user's.
import type { UserRecord } from '../../accounts/user.js';

export const OPENID_SCOPE = 'openid';

/** The claims each scope releases (section 5.4); `openid` alone releases only `sub`. */
export const SCOPE_CLAIMS: Readonly<Record<string, readonly string[]>> = {
  profile: ['name', 'preferred_username', 'zoneinfo', 'locale', 'updated_at'],
  email: ['email', 'email_verified'],
};

/** Every claim this provider can release about a user (the discovery document's claims_supported). */
export const USER_CLAIMS = ['sub', ...Object.values(SCOPE_CLAIMS).flat()];

/** The claims a grant's scopes allow. */
export function claimsOfScopes(scopes: readonly string[]): string[] {
  return scopes.flatMap((scope) => SCOPE_CLAIMS[scope] ?? []);
}

/**
 * The values of the named claims for a user (section 5.1); a claim without a value is left out
 * (section 5.3.2). preferred_username is the email: accounts have no other handle.
 */
export function userClaims(user: UserRecord, names: readonly string[]): Record<string, unknown> {
  const values: Record<string, unknown> = {
    name: user.profile.name,
    preferred_username: user.email,
    zoneinfo: user.profile.zoneinfo,
    locale: user.profile.locale,
    updated_at: user.updatedAt,
    email: user.email,
    // Sign-in needs a confirmed address, so an active account's email is verified.
    email_verified: user.confirmedAt !== null,
  };
  const claims: Record<string, unknown> = {};
  for (const name of names) {
    const value = values[name];
    if (value !== null && value !== undefined) claims[name] = value;
  }
  return claims;
}
