import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * CSRF tokens for the HTML forms: an HMAC of what the form is bound to, the session (a
 * synchronizer token tied to the session without storing one) or, before sign-in, a random value
 * in an HttpOnly cookie (a signed double-submit token). A cross-site page can neither read the
 * token out of our pages nor compute it without the installation's key.
 */
export class CsrfTokens {
  constructor(private readonly key: Buffer) {}

  tokenFor(binding: string): string {
    return createHmac('sha256', this.key).update(binding, 'utf8').digest('base64url');
  }

  /** Whether the token matches one of the bindings the request carries. */
  verify(token: string | undefined, bindings: readonly string[]): boolean {
    if (token === undefined || token.length !== 43) return false;
    const presented = Buffer.from(token, 'utf8');
    let valid = false;
    for (const binding of bindings) {
      if (timingSafeEqual(presented, Buffer.from(this.tokenFor(binding), 'utf8'))) valid = true;
    }
    return valid;
  }
}

export const sessionBinding = (sessionHash: string): string => `session:${sessionHash}`;
export const anonymousBinding = (cookieValue: string): string => `anonymous:${cookieValue}`;
