import type { ClientRecord } from '../../clients/client.js';
import { OAuthError } from '../errors.js';
import type { AuthorizationParameters } from './authorization-parameters.js';
import { AuthorizationErrorResponse } from './authorization-error-response.js';
import { checkRedirectUri } from './check-redirect-uri.js';
import { checkState } from './check-state.js';
import { checkRequestObject } from './check-request-object.js';
import { checkParRequired } from './check-par-required.js';
import { checkResponseType } from './check-response-type.js';
import { checkResponseMode } from './check-response-mode.js';
import { checkClientGrant } from './check-client-grant.js';
import { checkPkce } from './check-pkce.js';
import { checkScope } from './check-scope.js';
import { checkResource } from './check-resource.js';
import { checkPrompt, type Prompt } from './check-prompt.js';
import { checkOpenId, type OpenIdRequest } from './check-openid.js';
import { checkHints } from './check-hints.js';

/** An authorization request that passed every check. */
export interface AuthorizationRequest {
  client: ClientRecord;
  redirectUri: string;
  state: string | undefined;
  scopes: string[];
  audience: string | string[];
  /** S256 challenge; null only for confidential clients when PKCE is configured optional. */
  codeChallenge: string | null;
  prompt: Prompt[];
  maxAge: number | undefined;
  /** OpenID Connect (with the openid scope): the nonce and the claims asked for in the ID token. */
  openId: OpenIdRequest;
  /** OpenID Connect Core section 3.1.2.1: the email to offer on the sign-in page. */
  loginHint: string | undefined;
  /** An ID token naming the user the client expects (checked against the session by the endpoint). */
  idTokenHint: string | undefined;
}

export interface ValidationOptions {
  /** Whether the parameters came from a pushed authorization request (RFC 9126). */
  pushed: boolean;
  pkceOptionalForConfidential: boolean;
}

/**
 * RFC 6749 section 4.1.1 once the client is known, as a pipeline of named checks in spec order.
 * Before the redirect URI has passed, a failure throws the OAuthError itself (shown on a page);
 * after it, an AuthorizationErrorResponse (sent to the client at its redirect URI).
 */
export function validateAuthorizationRequest(params: AuthorizationParameters, client: ClientRecord, options: ValidationOptions): AuthorizationRequest {
  const redirectUri = checkRedirectUri(params, client);
  const state = redirectingErrors(redirectUri, undefined, () => checkState(params));
  return redirectingErrors(redirectUri, state, () => {
    checkRequestObject(params);
    checkParRequired(client, options.pushed);
    checkResponseType(params);
    checkResponseMode(params);
    checkClientGrant(client);
    const codeChallenge = checkPkce(params, client, options.pkceOptionalForConfidential);
    const scopes = checkScope(params, client);
    const audience = checkResource(params, client);
    const openId = checkOpenId(params, scopes);
    const { prompt, maxAge } = checkPrompt(params);
    const { loginHint, idTokenHint } = checkHints(params);
    return { client, redirectUri, state, scopes, audience, codeChallenge, prompt, maxAge, openId, loginHint, idTokenHint };
  });
}

/** Runs a step whose protocol errors go back to the client at its redirect URI. */
export function redirectingErrors<T>(redirectUri: string, state: string | undefined, step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (error instanceof OAuthError) throw new AuthorizationErrorResponse(error, redirectUri, state);
    throw error;
  }
}
