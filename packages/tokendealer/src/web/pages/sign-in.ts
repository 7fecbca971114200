import type { FastifyInstance } from 'fastify';
import type { TokenDealer } from '../../tokendealer.js';
import { html } from '../html.js';
import { page } from '../layout.js';
import { errorSummary, field, hiddenField, postForm, type FieldErrors } from '../form-fields.js';
import { authorizationClientOf, checkReturnTo } from '../return-to.js';
import { WebContext } from '../web-context.js';
import { clientAddress } from '../../http/client-address.js';

interface SignInView {
  email?: string | undefined;
  returnTo?: string | undefined;
  errors?: FieldErrors;
  general?: string;
}

function signInPage(context: WebContext, { email, returnTo, errors = {}, general }: SignInView): string {
  const body = html`${errorSummary(errors, general)}${postForm(
    '/signin',
    context.csrfToken(),
    html`${hiddenField('return_to', returnTo)}
${field({ name: 'email', label: 'Email', type: 'email', autocomplete: 'username', value: email, errors })}
${field({ name: 'password', label: 'Password', type: 'password', autocomplete: 'current-password', errors })}`,
    'Sign in',
  )}
<p class="more"><a href="/reset">Forgot your password?</a> · <a href="/signup">Create an account</a></p>`;
  return page({ title: 'Sign in', body });
}

/** Signing in on the way back to an authorization request may redirect on to the client (remembered consent). */
function allowRedirectsToClient(context: WebContext, tokenDealer: TokenDealer, returnTo: string | undefined): void {
  const clientId = authorizationClientOf(returnTo);
  const client = clientId === undefined ? undefined : tokenDealer.findClient(clientId);
  if (client) context.allowFormRedirectsTo(client.redirectUris);
}

const GENERIC_FAILURE = 'The email or password is incorrect.';

export function signInPages(app: FastifyInstance, tokenDealer: TokenDealer): void {
  app.get('/signin', async (request, reply) => {
    const context = await WebContext.load(tokenDealer, request, reply);
    const returnTo = checkReturnTo(context.query('return_to'), tokenDealer.issuer);
    allowRedirectsToClient(context, tokenDealer, returnTo);
    // prompt=login (from the authorization endpoint): show the form even to a signed-in user.
    if (context.session && context.query('prompt') !== 'login') return context.redirect(returnTo ?? '/account');
    // OpenID Connect login_hint, passed on by the authorization endpoint: the email to offer.
    return context.html(200, signInPage(context, { returnTo, email: context.query('login_hint') }));
  });

  app.post('/signin', async (request, reply) => {
    const context = await WebContext.load(tokenDealer, request, reply);
    const form = context.form();
    const returnTo = checkReturnTo(form.get('return_to'), tokenDealer.issuer);
    allowRedirectsToClient(context, tokenDealer, returnTo);
    const email = form.get('email');
    const password = form.get('password');
    const errors: FieldErrors = {
      ...(email === undefined ? { email: 'Enter your email address.' } : {}),
      ...(password === undefined ? { password: 'Enter your password.' } : {}),
    };
    if (email === undefined || password === undefined) {
      context.logRefusal('missing email or password');
      return context.html(400, signInPage(context, { email, returnTo, errors }));
    }

    const result = await tokenDealer.accounts.signIn(email, password, clientAddress(request));
    switch (result.outcome) {
      case 'signed-in':
        await context.startSession(result.user.userId);
        request.log.info({ user_id: result.user.userId, ip: clientAddress(request) }, 'signed in');
        return context.redirect(returnTo ?? '/account');
      case 'throttled':
        context.logRefusal('sign-in throttled', { retry_after: result.retryAfterSeconds });
        reply.header('retry-after', String(result.retryAfterSeconds));
        return context.html(429, signInPage(context, {
          email,
          returnTo,
          general: `${GENERIC_FAILURE} There were too many attempts: wait ${Math.ceil(result.retryAfterSeconds / 60)} minutes before trying again.`,
        }));
      case 'unconfirmed':
        context.logRefusal('account not confirmed');
        return context.html(403, signInPage(context, {
          email,
          returnTo,
          general: 'Confirm your email address first, with the link we mailed you. To get a new link, sign up again with the same email.',
        }));
      case 'disabled':
        context.logRefusal('account disabled');
        return context.html(403, signInPage(context, { email, returnTo, general: 'This account is disabled.' }));
      case 'invalid':
        context.logRefusal('wrong email or password');
        return context.html(401, signInPage(context, { email, returnTo, general: GENERIC_FAILURE }));
    }
  });
}
