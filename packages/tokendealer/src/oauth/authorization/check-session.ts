import type { AuthorizationRequest } from './authorization-request.js';

export interface SignedInUser {
  userId: string;
  /** When the user last entered their password. */
  authTime: number;
  /** The session's OpenID Connect sid. */
  sid: string;
}

/**
 * Whether the user must (again) sign in: no session; prompt=login; or a session whose sign-in is
 * older than max_age (OpenID Connect Core section 3.1.2.1). A sign-in made after the moment we
 * demanded it (`signedInAfter`, from the signed marker) satisfies prompt=login and max_age.
 */
export function mustSignIn(request: AuthorizationRequest, user: SignedInUser | undefined, signedInAfter: number | undefined, now: number): boolean {
  if (!user) return true;
  const fresh = signedInAfter !== undefined && user.authTime >= signedInAfter;
  if (request.prompt.includes('login') && !fresh) return true;
  return request.maxAge !== undefined && now - user.authTime > request.maxAge && !fresh;
}
