import type { FastifyInstance } from 'fastify';
import { nowSeconds, type TokenDealer } from '../../tokendealer.js';
import { html, type SafeHtml } from '../html.js';
import { page } from '../layout.js';
import { errorSummary, field, postForm, type FieldErrors } from '../form-fields.js';
import { validateProfile } from '../../accounts/profile.js';
import { EMPTY_PROFILE } from '../../accounts/user.js';
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

export const PROFILE_PATH = '/account/profile';

interface ProfileForm {
  values: { name?: string | undefined; zoneinfo?: string | undefined; locale?: string | undefined };
  errors: FieldErrors;
}

/** The profile an app may read with the profile scope (OpenID Connect claims), each field optional. */
function profileForm(csrfToken: string, { values, errors }: ProfileForm): SafeHtml {
  return html`<section aria-labelledby="profile-title">
<h2 id="profile-title">Profile</h2>
${errorSummary(errors)}${postForm(
  PROFILE_PATH,
  csrfToken,
  html`${field({ name: 'name', label: 'Name', type: 'text', autocomplete: 'name', value: values.name, required: false, errors })}
${field({ name: 'zoneinfo', label: 'Time zone', type: 'text', autocomplete: 'off', value: values.zoneinfo, hint: 'Such as Europe/Paris', required: false, errors })}
${field({ name: 'locale', label: 'Language', type: 'text', autocomplete: 'language', value: values.locale, hint: 'Such as en-GB', required: false, errors })}`,
  'Save profile',
)}
<p class="hint">Apps you allow to see your profile receive these, with your email.</p>
</section>`;
}

async function accountPage(context: WebContext, tokenDealer: TokenDealer, form: ProfileForm | undefined): Promise<string> {
  const { email, userId } = context.session!;
  const csrfToken = context.csrfToken();
  const consents = await authorizedApps(tokenDealer, userId, nowSeconds());
  const profile = (await tokenDealer.storage.users.get(userId))?.profile ?? EMPTY_PROFILE;
  const shown: ProfileForm = form ?? { values: { name: profile.name ?? undefined, zoneinfo: profile.zoneinfo ?? undefined, locale: profile.locale ?? undefined }, errors: {} };
  return page({
    title: 'Your account',
    signedInAs: email,
    body: html`<dl><dt>Email</dt><dd>${email}</dd></dl>
<p><a href="/reset">Change password</a></p>
${profileForm(csrfToken, shown)}
<section aria-labelledby="apps-title">
<h2 id="apps-title">Authorized apps</h2>
${consents.length === 0
  ? html`<p>You have not authorized any apps yet.</p>`
  : html`<ul class="apps">${consents.map((consent) => authorizedApp(tokenDealer, consent, csrfToken))}</ul>`}
</section>
${postForm('/signout', csrfToken, html``, 'Sign out', 'secondary')}`,
  });
}

/** The signed-in user's page: their profile, and the apps they have authorized. */
export function accountPages(app: FastifyInstance, tokenDealer: TokenDealer): void {
  app.get('/account', async (request, reply) => {
    const context = await WebContext.load(tokenDealer, request, reply);
    if (!context.session) return context.redirect('/signin?return_to=%2Faccount');
    return context.html(200, await accountPage(context, tokenDealer, undefined));
  });

  app.post(PROFILE_PATH, async (request, reply) => {
    const context = await WebContext.load(tokenDealer, request, reply);
    const form = context.form();
    if (!context.session) return context.redirect('/signin?return_to=%2Faccount');
    const values = { name: form.get('name'), zoneinfo: form.get('zoneinfo'), locale: form.get('locale') };
    const result = validateProfile(values);
    if ('errors' in result) {
      context.logRefusal('invalid profile', { fields: Object.keys(result.errors) });
      return context.html(400, await accountPage(context, tokenDealer, { values, errors: result.errors }));
    }
    await tokenDealer.storage.users.setProfile(context.session.userId, result.profile, nowSeconds());
    request.log.info({ user_id: context.session.userId }, 'profile updated');
    return context.redirect('/account');
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
