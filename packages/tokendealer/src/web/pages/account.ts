import type { FastifyInstance } from 'fastify';
import { nowSeconds, type TokenDealer } from '../../tokendealer.js';
import { html, type SafeHtml } from '../html.js';
import { page } from '../layout.js';
import { postForm } from '../form-fields.js';
import { describeScope } from '../scope-descriptions.js';
import { BadRequest } from '../web-errors.js';
import { WebContext } from '../web-context.js';
import type { ConsentRecord } from '../../storage/consent-store.js';

export const REVOKE_APP_PATH = '/account/apps/revoke';

/** One authorized app: its name, what it may do, since when, and the button that takes it all back. */
function authorizedApp(tokenDealer: TokenDealer, consent: ConsentRecord, csrfToken: string): SafeHtml {
  const client = tokenDealer.findClient(consent.clientId);
  const name = client?.name ?? `${consent.clientId} (no longer registered)`;
  const since = new Date(consent.createdAt * 1000);
  return html`<li>
<h3>${name}</h3>
<p class="hint">Authorized since <time datetime="${since.toISOString()}">${since.toISOString().slice(0, 10)}</time></p>
<ul class="scopes">${consent.scopes.length === 0 ? html`<li>Know that it is you</li>` : consent.scopes.map((scope) => html`<li>${describeScope(scope)}</li>`)}</ul>
<form method="post" action="${REVOKE_APP_PATH}">
<input type="hidden" name="csrf_token" value="${csrfToken}">
<input type="hidden" name="client_id" value="${consent.clientId}">
<button type="submit" class="secondary" aria-label="Revoke access of ${name}">Revoke</button>
</form>
</li>`;
}

/**
 * The apps a user has authorized: the remembered consents, and any client that still holds a live
 * refresh token family without one (authorized before a consent was recorded, say), so that every
 * app that can act for the user is listed with its Revoke button.
 */
async function authorizedApps(tokenDealer: TokenDealer, userId: string, now: number): Promise<ConsentRecord[]> {
  const consents = await tokenDealer.storage.consents.listForUser(userId);
  const listed = new Set(consents.map((consent) => consent.clientId));
  const others = new Map<string, ConsentRecord>();
  for (const family of await tokenDealer.storage.refreshTokens.liveFamilies(userId, now)) {
    if (listed.has(family.clientId)) continue;
    const entry = others.get(family.clientId);
    if (entry) entry.scopes = [...new Set([...entry.scopes, ...family.scopes])];
    else others.set(family.clientId, { userId, clientId: family.clientId, scopes: [...family.scopes], createdAt: family.createdAt, updatedAt: family.createdAt });
  }
  return [...consents, ...others.values()];
}

/** The signed-in user's page, with the apps they have authorized. */
export function accountPages(app: FastifyInstance, tokenDealer: TokenDealer): void {
  app.get('/account', async (request, reply) => {
    const context = await WebContext.load(tokenDealer, request, reply);
    if (!context.session) return context.redirect('/signin?return_to=%2Faccount');
    const { email, userId } = context.session;
    const csrfToken = context.csrfToken();
    const consents = await authorizedApps(tokenDealer, userId, nowSeconds());
    return context.html(200, page({
      title: 'Your account',
      signedInAs: email,
      body: html`<dl><dt>Email</dt><dd>${email}</dd></dl>
<p><a href="/reset">Change password</a></p>
<section aria-labelledby="apps-title">
<h2 id="apps-title">Authorized apps</h2>
${consents.length === 0
  ? html`<p>You have not authorized any apps yet.</p>`
  : html`<ul class="apps">${consents.map((consent) => authorizedApp(tokenDealer, consent, csrfToken))}</ul>`}
</section>
${postForm('/signout', csrfToken, html``, 'Sign out', 'secondary')}`,
    }));
  });

  // Revoking an app forgets the consent, voids its unredeemed codes and ends every refresh token (and their access tokens) it holds for the user.
  app.post(REVOKE_APP_PATH, async (request, reply) => {
    const context = await WebContext.load(tokenDealer, request, reply);
    const form = context.form();
    if (!context.session) return context.redirect('/signin?return_to=%2Faccount');
    const clientId = form.get('client_id');
    if (clientId === undefined) throw new BadRequest('Choose the app to revoke.');
    const { userId } = context.session;
    const now = nowSeconds();
    const families = await tokenDealer.storage.consents.revokeApp(userId, clientId, now);
    request.log.info({ user_id: userId, client_id: clientId, families }, 'app access revoked by the user');
    return context.redirect('/account');
  });

  app.post('/signout', async (request, reply) => {
    const context = await WebContext.load(tokenDealer, request, reply);
    context.form();
    if (context.session) request.log.info({ user_id: context.session.userId }, 'signed out');
    await context.endSession();
    return context.redirect('/signin');
  });
}
