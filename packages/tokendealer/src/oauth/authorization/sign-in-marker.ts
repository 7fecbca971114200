import type { CsrfTokens } from '../../sessions/csrf.js';

/**
 * prompt=login and max_age send a signed-in user to sign in again. The way back carries the
 * moment that was demanded, signed with the installation's form key and bound to the request, so
 * that the new session satisfies the request instead of looping, and nobody at the keyboard can
 * forge an earlier moment to skip the sign-in.
 */
export const SIGN_IN_MARKER_PARAMETER = 'sign_in_after';

export function signInMarker(csrf: CsrfTokens, binding: string, at: number): string {
  return `${at}.${csrf.tokenFor(`sign-in-after:${at}:${binding}`)}`;
}

/** The signed moment, or undefined when the marker is absent or not ours for this request. */
export function readSignInMarker(csrf: CsrfTokens, binding: string, value: string | undefined): number | undefined {
  const match = value === undefined ? null : /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (!match) return undefined;
  const at = Number(match[1]);
  return csrf.verify(match[2], [`sign-in-after:${at}:${binding}`]) ? at : undefined;
}
