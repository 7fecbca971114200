import type { FastifyInstance, FastifyReply } from 'fastify';
import { nowSeconds, type TokenDealer } from '../../tokendealer.js';
import { ConsentRequired, InvalidRequest, InvalidRequestUri, LoginRequired, OAuthError, UnsupportedContentEncoding } from '../../oauth/errors.js';
import { ENCODED_BODY, isContentEncoded } from '../form-body.js';
import { AuthorizationParameters } from '../../oauth/authorization/authorization-parameters.js';
import { redirectingErrors, validateAuthorizationRequest, type AuthorizationRequest } from '../../oauth/authorization/authorization-request.js';
import { AuthorizationErrorResponse } from '../../oauth/authorization/authorization-error-response.js';
import { codeResponseUrl } from '../../oauth/authorization/authorization-response.js';
import { checkClient } from '../../oauth/authorization/check-client.js';
import { mustSignIn, type SignedInUser } from '../../oauth/authorization/check-session.js';
import { mustAskConsent } from '../../oauth/authorization/check-consent.js';
import { codeGrantOf, issueAuthorizationCode } from '../../oauth/authorization/issue-code.js';
import { skipsConsentPage } from '../../oauth/authorization/check-first-party.js';
import { readIdTokenHint } from '../../oauth/openid/id-token-hint.js';
import { resolvePushedRequest } from '../../oauth/authorization/pushed-request.js';
import { readSignInMarker, signInMarker, SIGN_IN_MARKER_PARAMETER } from '../../oauth/authorization/sign-in-marker.js';
import { WebContext } from '../../web/web-context.js';
import { installPageErrorHandler } from '../../web/web-plugin.js';
import { AuthorizationRefused, MethodNotAllowed } from '../../web/web-errors.js';
import { RETURN_TO_MAX_LENGTH } from '../../web/return-to.js';
import { askConsent } from '../../web/pages/consent.js';

/** An authorization request is a URL or a small form. */
const FORM_BODY_LIMIT = 8192;

/**
 * RFC 6749 section 3.1: the authorization endpoint, GET or POST with the same meaning. It
 * answers browsers with pages and redirects, never with CORS headers (RFC 9700 section 2.6).
 */
export function authorizationEndpoint(app: FastifyInstance, tokenDealer: TokenDealer, path: string): void {
  app.removeAllContentTypeParsers();
  // The raw body: a repeated parameter is judged by the checks, not refused by the parser. An
  // encoded one is refused (see form-body.ts): its bytes would be taken for parameters.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT }, (request, body, done) =>
    isContentEncoded(request) ? done(new UnsupportedContentEncoding(ENCODED_BODY), undefined) : done(null, body),
  );
  installPageErrorHandler(app);

  app.route({
    method: ['GET', 'POST'],
    url: path,
    handler: async (request, reply) => {
      const context = await WebContext.load(tokenDealer, request, reply);
      const raw = request.method === 'POST' ? String(request.body ?? '') : queryOf(request.url);
      try {
        return await authorize(tokenDealer, context, AuthorizationParameters.parse(raw));
      } catch (error) {
        if (error instanceof AuthorizationErrorResponse) {
          tokenDealer.metrics.oauthErrors.inc(path, error.error.code);
          context.logRefusal(error.error.description, { error: error.error.code });
          return context.redirect(error.location(tokenDealer.issuer));
        }
        if (error instanceof OAuthError) {
          tokenDealer.metrics.oauthErrors.inc(path, error.code);
          throw new AuthorizationRefused(error.description);
        }
        throw error;
      }
    },
  });
  app.route({
    method: ['PUT', 'DELETE', 'PATCH'],
    url: path,
    handler: async () => {
      throw new MethodNotAllowed('GET, POST');
    },
  });
}

/** Everything after the first '?': a further '?' is part of the query (RFC 3986 section 3.4), not its end. */
function queryOf(url: string): string {
  const start = url.indexOf('?');
  return start === -1 ? '' : url.slice(start + 1);
}

async function authorize(tokenDealer: TokenDealer, context: WebContext, outer: AuthorizationParameters): Promise<FastifyReply> {
  const now = nowSeconds();
  const client = checkClient(outer, (clientId) => tokenDealer.findClient(clientId));
  // RFC 9126 section 4: with a request_uri, only the pushed parameters count.
  const requestUri = outer.get('request_uri');
  const pushed = requestUri === undefined ? undefined : await resolvePushedRequest(tokenDealer, requestUri, client, now);
  const params = pushed?.params ?? outer;
  const request = validateAuthorizationRequest(params, client, {
    pushed: pushed !== undefined,
    pkceOptionalForConfidential: tokenDealer.config.pkceOptionalForConfidentialClients,
  });

  const binding = pushed ? `par:${pushed.requestHash}` : JSON.stringify([client.clientId, request.redirectUri, request.codeChallenge, request.state]);
  const signedInAfter = redirectingErrors(request.redirectUri, request.state, () =>
    readSignInMarker(tokenDealer.csrf, binding, outer.get(SIGN_IN_MARKER_PARAMETER)),
  );
  const session = context.session;
  const user: SignedInUser | undefined = session ? { userId: session.userId, authTime: session.authTime, sid: session.sid } : undefined;
  // OpenID Connect Core section 3.1.2.1: the hint names the user the client expects; another one must sign in.
  const hinted = request.idTokenHint === undefined ? undefined : await readIdTokenHint(tokenDealer, request.idTokenHint);
  if (request.idTokenHint !== undefined && !hinted) throw errorResponse(request, new InvalidRequest('id_token_hint is not an ID token of this issuer'));
  const otherUserHinted = hinted !== undefined && user !== undefined && hinted.sub !== user.userId;
  if (!user || mustSignIn(request, user, signedInAfter, now) || otherUserHinted) {
    // Section 3.1.2.6: prompt=none never shows a page; the client learns why by redirect.
    if (request.prompt.includes('none')) throw errorResponse(request, new LoginRequired('the user must sign in'));
    return redirectToSignIn(tokenDealer, context, request, params, pushed && requestUri, binding, now, otherUserHinted);
  }

  // RFC 9126 section 4: a pushed request is used once, from the moment a signed-in user acts on it.
  if (pushed && !(await tokenDealer.storage.pushedRequests.markUsed(pushed.requestHash, now))) {
    throw new InvalidRequestUri('request_uri was already used');
  }
  const consent = await tokenDealer.storage.consents.find(user.userId, client.clientId);
  if (mustAskConsent(request, consent?.scopes)) {
    if (!skipsConsentPage(request)) {
      if (request.prompt.includes('none')) throw errorResponse(request, new ConsentRequired('the user has not granted these scopes'));
      return askConsent(context, request, user, now);
    }
    // A first-party client's grant is recorded like a consent, for the account page to show and revoke.
    await tokenDealer.storage.consents.grant(user.userId, client.clientId, [...new Set([...(consent?.scopes ?? []), ...request.scopes])], now);
  }
  const code = await issueAuthorizationCode(tokenDealer, codeGrantOf(request, user), now);
  context.request.log.info(
    { user_id: user.userId, client_id: client.clientId, scope: request.scopes.join(' ') },
    consent ? 'authorization granted (consent remembered)' : 'authorization granted (first-party client)',
  );
  return context.redirect(codeResponseUrl(request.redirectUri, code, request.state, tokenDealer.issuer));
}

function errorResponse(request: AuthorizationRequest, error: OAuthError): AuthorizationErrorResponse {
  return new AuthorizationErrorResponse(error, request.redirectUri, request.state);
}

/**
 * To the sign-in page, with a return_to that brings the user back to the same request: the
 * request_uri of a pushed request, else the request's own parameters. prompt=login and max_age
 * add the signed moment from which a sign-in counts, and make the page ask even when signed in.
 */
function redirectToSignIn(
  tokenDealer: TokenDealer,
  context: WebContext,
  request: AuthorizationRequest,
  params: AuthorizationParameters,
  requestUri: string | undefined,
  binding: string,
  now: number,
  otherUserHinted = false,
): FastifyReply {
  // The id_token_hint has done its work once it sends the user to sign in (again): it would not fit the way back.
  const resumed = params.without(SIGN_IN_MARKER_PARAMETER).without('id_token_hint');
  const query = new URLSearchParams(requestUri === undefined ? resumed.toQuery() : { client_id: request.client.clientId, request_uri: requestUri });
  const demandsFreshSignIn = request.prompt.includes('login') || request.maxAge !== undefined;
  if (demandsFreshSignIn) query.set(SIGN_IN_MARKER_PARAMETER, signInMarker(tokenDealer.csrf, binding, now));
  const returnTo = `${context.request.routeOptions.url ?? ''}?${query.toString()}`;
  if (returnTo.length > RETURN_TO_MAX_LENGTH) {
    throw errorResponse(request, new InvalidRequest('the authorization request is too long to resume after sign-in; push it (RFC 9126) instead'));
  }
  const forced = context.session !== undefined && (demandsFreshSignIn || otherUserHinted);
  const loginHint = request.loginHint === undefined ? '' : `&login_hint=${encodeURIComponent(request.loginHint)}`;
  return context.redirect(`/signin?return_to=${encodeURIComponent(returnTo)}${forced ? '&prompt=login' : ''}${loginHint}`);
}
