// OpenID Connect RP-Initiated Logout 1.0: a client sends the user here to end their TokenDealer
// session, and may have them sent back to one of its registered post-logout redirect URIs.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ENDPOINT_PATHS, type TokenDealer } from '../../tokendealer.js';
import type { ClientRecord } from '../../clients/client.js';
import { FormParameters } from '../../oauth/parameters.js';
import { authorizationResponseUrl } from '../../oauth/authorization/authorization-response.js';
import { MAX_STATE_LENGTH } from '../../oauth/authorization/check-state.js';
import { readIdTokenHint, type HintedIdToken } from '../../oauth/openid/id-token-hint.js';
import { html } from '../html.js';
import { page } from '../layout.js';
import { hiddenField, postForm } from '../form-fields.js';
import { BadRequest } from '../web-errors.js';
import { WebContext } from '../web-context.js';

export const END_SESSION_CONFIRM_PATH = `${ENDPOINT_PATHS.endSession}/confirm`;
const LOGOUT_PARAMETERS = ['id_token_hint', 'client_id', 'post_logout_redirect_uri', 'state'] as const;
type LogoutParameter = (typeof LOGOUT_PARAMETERS)[number];
/** An ID token with every profile claim stays well below this. */
const MAX_VALUE_LENGTH = 4096;

/** Section 2: the same parameters in the query (GET) or a form (POST); each at most once. */
function logoutParameters(request: FastifyRequest): Partial<Record<LogoutParameter, string>> {
  const source =
    request.method === 'POST'
      ? ((request.body as FormParameters | undefined) ?? FormParameters.parse(''))
      : new URLSearchParams(request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '');
  const values: Partial<Record<LogoutParameter, string>> = {};
  for (const name of LOGOUT_PARAMETERS) {
    const all = source instanceof URLSearchParams ? source.getAll(name) : [source.get(name)].filter((value) => value !== undefined);
    const present = all.filter((value) => value !== '');
    if (present.length > 1) throw new BadRequest(`The ${name} parameter must be given once.`);
    const value = present[0];
    if (value !== undefined && value.length > MAX_VALUE_LENGTH) throw new BadRequest(`The ${name} parameter is too long.`);
    if (value !== undefined) values[name] = value;
  }
  if (values.state !== undefined && values.state.length > MAX_STATE_LENGTH) throw new BadRequest('The state parameter is too long.');
  return values;
}

interface LogoutRequest {
  client: ClientRecord | undefined;
  /** Where to send the user afterwards, state included; undefined shows our signed-out page. */
  destination: string | undefined;
  postLogoutRedirectUri: string | undefined;
  state: string | undefined;
}

/**
 * Section 3: a post_logout_redirect_uri must be registered by the client, named by client_id
 * or by the hint's audience, and match exactly. A bad one is told to the user on a page:
 * redirecting to it would make this endpoint an open redirector.
 */
function checkLogoutRequest(tokenDealer: TokenDealer, params: Partial<Record<LogoutParameter, string>>, hinted: HintedIdToken | undefined): LogoutRequest {
  if (params.client_id !== undefined && hinted && !hinted.aud.includes(params.client_id)) {
    throw new BadRequest('The client_id does not match the ID token the app sent.');
  }
  const clientId = params.client_id ?? (hinted?.aud.length === 1 ? hinted.aud[0] : undefined);
  const client = clientId === undefined ? undefined : tokenDealer.findClient(clientId);
  if (params.client_id !== undefined && !client) throw new BadRequest('The app that sent you here is not registered.');
  const uri = params.post_logout_redirect_uri;
  if (uri !== undefined) {
    if (!client) throw new BadRequest('The app must say who it is (client_id or id_token_hint) to be sent back to it after signing out.');
    if (!client.postLogoutRedirectUris.includes(uri)) throw new BadRequest('The address the app asked to return to after signing out is not registered for it.');
  }
  return {
    client,
    destination: uri === undefined ? undefined : authorizationResponseUrl(uri, { state: params.state }),
    postLogoutRedirectUri: uri,
    state: params.state,
  };
}

function signedOut(context: WebContext, logout: LogoutRequest): FastifyReply {
  if (logout.destination !== undefined) return context.redirect(logout.destination);
  return context.html(200, page({ title: 'You are signed out', body: html`<p>You are signed out of Runnerly.</p><p><a href="/signin">Sign in again</a></p>` }));
}

function confirmationPage(context: WebContext, logout: LogoutRequest): FastifyReply {
  const session = context.session!;
  if (logout.postLogoutRedirectUri !== undefined) context.allowFormRedirectsTo([logout.postLogoutRedirectUri]);
  const asker = logout.client ? html`<strong>${logout.client.name}</strong> asks to sign you out` : html`An app asks to sign you out`;
  return context.html(200, page({
    title: 'Sign out?',
    signedInAs: session.email,
    body: html`<p>${asker} of Runnerly (<strong>${session.email}</strong>).</p>
${postForm(
  END_SESSION_CONFIRM_PATH,
  context.csrfToken(),
  html`${hiddenField('client_id', logout.client?.clientId)}${hiddenField('post_logout_redirect_uri', logout.postLogoutRedirectUri)}${hiddenField('state', logout.state)}`,
  'Sign out',
)}
<p class="more"><a href="/account">Stay signed in</a></p>`,
  }));
}

export function endSessionPages(app: FastifyInstance, tokenDealer: TokenDealer): void {
  // Section 2: GET and POST. The session ends at once only when the hint names the current
  // session; otherwise (no hint, another session, another user) the user confirms, so that a
  // link on any site cannot sign people out.
  app.route({
    method: ['GET', 'POST'],
    url: ENDPOINT_PATHS.endSession,
    handler: async (request, reply) => {
      const context = await WebContext.load(tokenDealer, request, reply);
      const params = logoutParameters(request);
      const hinted = params.id_token_hint === undefined ? undefined : await readIdTokenHint(tokenDealer, params.id_token_hint);
      if (params.id_token_hint !== undefined && !hinted) throw new BadRequest('The app sent an ID token that this server did not issue.');
      const logout = checkLogoutRequest(tokenDealer, params, hinted);
      const session = context.session;
      if (!session) return signedOut(context, logout);
      if (hinted && hinted.sid === session.sid && hinted.sub === session.userId) {
        request.log.info({ user_id: session.userId, client_id: logout.client?.clientId }, 'signed out by the app');
        await context.endSession();
        return signedOut(context, logout);
      }
      return confirmationPage(context, logout);
    },
  });

  app.post(END_SESSION_CONFIRM_PATH, async (request, reply) => {
    const context = await WebContext.load(tokenDealer, request, reply);
    const form = context.form();
    // The form's fields are checked again: the client may have changed since the page was shown.
    const logout = checkLogoutRequest(
      tokenDealer,
      { client_id: form.get('client_id'), post_logout_redirect_uri: form.get('post_logout_redirect_uri'), state: form.get('state') },
      undefined,
    );
    if (context.session) {
      request.log.info({ user_id: context.session.userId, client_id: logout.client?.clientId }, 'signed out at the app\'s request');
      await context.endSession();
    }
    return signedOut(context, logout);
  });
}
