import type { FastifyInstance, FastifyReply } from 'fastify';
import { nowSeconds, type TokenDealer } from '../../tokendealer.js';
import type { ClientRecord } from '../../clients/client.js';
import { matchesRegisteredRedirectUri } from '../../clients/redirect-uris.js';
import { randomToken } from '../../crypto/random.js';
import { hashOpaqueToken } from '../../tokens/opaque-token.js';
import { AccessDenied } from '../../oauth/errors.js';
import type { AuthorizationRequest } from '../../oauth/authorization/authorization-request.js';
import type { SignedInUser } from '../../oauth/authorization/check-session.js';
import { AuthorizationErrorResponse } from '../../oauth/authorization/authorization-error-response.js';
import { codeResponseUrl } from '../../oauth/authorization/authorization-response.js';
import { codeGrantOf, issueAuthorizationCode, type CodeGrant } from '../../oauth/authorization/issue-code.js';
import { html } from '../html.js';
import { page } from '../layout.js';
import { describeScope } from '../scope-descriptions.js';
import { BadRequest } from '../web-errors.js';
import { WebContext } from '../web-context.js';

export const CONSENT_PATH = '/oauth/consent';
/** Long enough to read the page, short enough that a forgotten tab does not keep a request alive. */
const PENDING_LIFETIME_SECONDS = 600;
const PENDING_ID_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** What the consent form's answer needs, kept server-side: the form carries only a random id. */
interface PendingAuthorization extends CodeGrant {
  state: string | undefined;
}

/** Where the user goes back to, in words: the host of a web app, the scheme of a native one. */
function destinationOf(redirectUri: string): string {
  const url = new URL(redirectUri);
  return url.host || url.protocol.replace(/:$/, '');
}

function consentPage(context: WebContext, client: ClientRecord, request: AuthorizationRequest, pendingId: string, email: string): string {
  const abilities = request.scopes.length === 0 ? ['Know that it is you'] : request.scopes.map(describeScope);
  return page({
    title: 'Allow access to your account?',
    signedInAs: email,
    body: html`<p><strong>${client.name}</strong> wants to use your account <strong>${email}</strong>.</p>
<h2 id="scopes-title">It will be able to</h2>
<ul class="scopes" aria-labelledby="scopes-title">${abilities.map((ability) => html`<li>${ability}</li>`)}</ul>
<p class="hint">Afterwards you go back to ${destinationOf(request.redirectUri)}. You can revoke this access at any time on your account page.</p>
<form method="post" action="${CONSENT_PATH}">
<input type="hidden" name="csrf_token" value="${context.csrfToken()}">
<input type="hidden" name="pending_id" value="${pendingId}">
<div class="actions"><button type="submit" name="decision" value="allow">Allow</button><button type="submit" name="decision" value="deny" class="secondary">Deny</button></div>
</form>`,
  });
}

/** Keeps the request server-side, bound to the session, single use and short-lived, and shows the consent page. */
export async function askConsent(context: WebContext, request: AuthorizationRequest, user: SignedInUser, now: number): Promise<FastifyReply> {
  const session = context.session!;
  const pendingId = randomToken(32);
  const pending: PendingAuthorization = { ...codeGrantOf(request, user), state: request.state };
  await context.tokenDealer.storage.pendingAuthorizations.create({
    pendingHash: hashOpaqueToken(pendingId),
    sessionHash: session.hash,
    request: pending,
    createdAt: now,
    expiresAt: now + PENDING_LIFETIME_SECONDS,
  });
  context.allowFormRedirectsTo([request.redirectUri]);
  return context.html(200, consentPage(context, request.client, request, pendingId, session.email));
}

/** The answer to the consent page: Allow issues the code, Deny sends access_denied (RFC 6749 section 4.1.2.1). */
export function consentPages(app: FastifyInstance, tokenDealer: TokenDealer): void {
  app.post(CONSENT_PATH, async (request, reply) => {
    const context = await WebContext.load(tokenDealer, request, reply);
    const form = context.form();
    const session = context.session;
    if (!session) throw new BadRequest('You are no longer signed in. Go back to the app and start again.');
    const pendingId = form.get('pending_id');
    const decision = form.get('decision');
    if (pendingId === undefined || !PENDING_ID_SHAPE.test(pendingId) || (decision !== 'allow' && decision !== 'deny')) {
      throw new BadRequest('The answer to the authorization request is incomplete.');
    }
    const now = nowSeconds();
    const taken = await tokenDealer.storage.pendingAuthorizations.take(hashOpaqueToken(pendingId), session.hash);
    const pending = taken?.request as PendingAuthorization | undefined;
    if (!taken || !pending || taken.expiresAt <= now || pending.userId !== session.userId) {
      throw new BadRequest('This authorization request has expired or was already answered. Go back to the app and start again.');
    }
    // The client may have been deleted or changed meanwhile: never redirect to a URI it no longer has.
    const client = tokenDealer.findClient(pending.clientId);
    if (!client || !matchesRegisteredRedirectUri(pending.redirectUri, client.redirectUris)) {
      throw new BadRequest('The app that asked is no longer registered.');
    }
    if (decision === 'deny') {
      request.log.info({ user_id: session.userId, client_id: client.clientId }, 'authorization denied by the user');
      const denied = new AuthorizationErrorResponse(new AccessDenied('the user denied the request'), pending.redirectUri, pending.state);
      return context.redirect(denied.location(tokenDealer.issuer));
    }
    const earlier = (await tokenDealer.storage.consents.find(session.userId, client.clientId))?.scopes ?? [];
    await tokenDealer.storage.consents.grant(session.userId, client.clientId, [...new Set([...earlier, ...pending.scopes])], now);
    // Pending requests stored before OpenID Connect carry no nonce, sid or claims.
    const { state, nonce = null, sid = null, idTokenClaims = null, ...grant } = pending;
    const code = await issueAuthorizationCode(tokenDealer, { ...grant, nonce, sid, idTokenClaims }, now);
    request.log.info({ user_id: session.userId, client_id: client.clientId, scope: pending.scopes.join(' ') }, 'authorization granted');
    return context.redirect(codeResponseUrl(pending.redirectUri, code, state, tokenDealer.issuer));
  });
}
