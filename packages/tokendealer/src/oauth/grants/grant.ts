import type { ClientRecord } from '../../clients/client.js';
import type { TokenDealer } from '../../tokendealer.js';
import type { FormParameters } from '../parameters.js';

/** RFC 6749 section 5.1. */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope?: string;
  refresh_token?: string;
  /** OpenID Connect Core section 3.1.3.3: with the `openid` scope. */
  id_token?: string;
}

export interface GrantContext {
  tokenDealer: TokenDealer;
  client: ClientRecord;
  params: FormParameters;
}

/** A grant type: its name, the parameters it reads, and the handler that turns a request into tokens. */
export interface Grant {
  grantType: string;
  parameters: readonly string[];
  handle(context: GrantContext): Promise<TokenResponse> | TokenResponse;
}
