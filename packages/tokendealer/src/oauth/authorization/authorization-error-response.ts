import type { OAuthError } from '../errors.js';
import { authorizationResponseUrl } from './authorization-response.js';

/**
 * An error the client learns at its (checked) redirect URI: RFC 6749 section 4.1.2.1 with
 * `iss` (RFC 9207). Errors before the redirect URI is checked never become one of these.
 */
export class AuthorizationErrorResponse extends Error {
  constructor(
    readonly error: OAuthError,
    readonly redirectUri: string,
    readonly state: string | undefined,
  ) {
    super(error.description);
  }

  location(issuer: string): string {
    return authorizationResponseUrl(this.redirectUri, {
      error: this.error.code,
      // RFC 6749 section 4.1.2.1: error_description is limited to printable ASCII without " and \.
      error_description: this.error.description.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, '?').slice(0, 300),
      state: this.state,
      iss: issuer,
    });
  }
}
