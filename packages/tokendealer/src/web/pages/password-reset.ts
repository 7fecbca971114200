import type { FastifyInstance } from 'fastify';
import type { TokenDealer } from '../../tokendealer.js';
import { AccountInputError, InvalidLink } from '../../accounts/account-errors.js';
import { MIN_PASSWORD_LENGTH } from '../../accounts/password-policy.js';
import { html } from '../html.js';
import { page } from '../layout.js';
import { errorSummary, field, hiddenField, postForm, type FieldErrors } from '../form-fields.js';
import { BadRequest, tooManyRequests } from '../web-errors.js';
import type { MailRequestResult } from '../../accounts/account-service.js';
import { WebContext } from '../web-context.js';
import { clientAddress } from '../../http/client-address.js';

function askPage(context: WebContext, email: string | undefined, errors: FieldErrors = {}, general?: string): string {
  const body = html`${errorSummary(errors, general)}<p>Enter the email address of your account and we will send you a link to choose a new password.</p>
${postForm('/reset', context.csrfToken(), field({ name: 'email', label: 'Email', type: 'email', autocomplete: 'username', value: email, errors }), 'Send link')}
<p class="more"><a href="/signin">Back to sign in</a></p>`;
  return page({ title: 'Reset your password', body, signedInAs: context.session?.email });
}

function newPasswordPage(context: WebContext, token: string, email: string, errors: FieldErrors = {}): string {
  // The username field lets password managers store the new password under the right account.
  const body = html`${errorSummary(errors)}${postForm(
    '/reset/new',
    context.csrfToken(),
    html`${hiddenField('token', token)}
<input type="text" name="username" value="${email}" autocomplete="username" hidden readonly>
${field({ name: 'password', label: 'New password', type: 'password', autocomplete: 'new-password', hint: `At least ${MIN_PASSWORD_LENGTH} characters.`, errors })}`,
    'Set new password',
  )}`;
  return page({ title: 'Choose a new password', body });
}

const invalidLink = (error: InvalidLink) => new BadRequest(`${error.message} You can ask for a new link on the password reset page.`);

/** Asking for a reset link, and setting a new password with it. */
export function passwordResetPages(app: FastifyInstance, tokenDealer: TokenDealer): void {
  app.get('/reset', async (request, reply) => {
    const context = await WebContext.load(tokenDealer, request, reply);
    return context.html(200, askPage(context, undefined));
  });

  app.post('/reset', async (request, reply) => {
    const context = await WebContext.load(tokenDealer, request, reply);
    const email = context.form().get('email');
    let result: MailRequestResult;
    try {
      if (email === undefined) throw new AccountInputError('email', 'Enter your email address.');
      result = await tokenDealer.accounts.requestPasswordReset(email, clientAddress(request));
    } catch (error) {
      if (!(error instanceof AccountInputError)) throw error;
      context.logRefusal(`invalid ${error.field}`);
      return context.html(400, askPage(context, email, { [error.field]: error.message }));
    }
    if (result.outcome === 'throttled') {
      context.logRefusal('reset request throttled', { retry_after: result.retryAfterSeconds });
      reply.header('retry-after', String(result.retryAfterSeconds));
      return context.html(429, askPage(context, email, {}, tooManyRequests(result.retryAfterSeconds)));
    }
    // The same answer whether or not the email has an account.
    return context.html(200, page({
      title: 'Check your email',
      signedInAs: context.session?.email,
      body: html`<p class="notice" role="status">If <strong>${email.trim()}</strong> belongs to an account, we sent it a link to choose a new password.</p>
<p>The link works once, for one hour.</p>`,
    }));
  });

  app.get('/reset/new', async (request, reply) => {
    const context = await WebContext.load(tokenDealer, request, reply);
    const token = context.query('token');
    if (token === undefined) throw new BadRequest('This password reset link is incomplete: open the whole link from the message we sent you.');
    try {
      return context.html(200, newPasswordPage(context, token, await tokenDealer.accounts.resetLinkEmail(token)));
    } catch (error) {
      if (error instanceof InvalidLink) throw invalidLink(error);
      throw error;
    }
  });

  app.post('/reset/new', async (request, reply) => {
    const context = await WebContext.load(tokenDealer, request, reply);
    const form = context.form();
    const token = form.get('token');
    if (token === undefined) throw new BadRequest('This password reset form has no link token: open the link from the message we sent you again.');
    const password = form.get('password') ?? '';
    try {
      const user = await tokenDealer.accounts.resetPassword(token, password);
      request.log.info({ user_id: user.userId }, 'password reset');
      // Every session of the account ended with the reset, this browser's too.
      await context.endSession();
      return context.html(200, page({
        title: 'Password changed',
        body: html`<p class="notice" role="status">Your password has been changed, and every device signed in to your account has been signed out.</p>
<p><a href="/signin">Sign in</a></p>`,
      }));
    } catch (error) {
      if (error instanceof InvalidLink) throw invalidLink(error);
      if (!(error instanceof AccountInputError)) throw error;
      context.logRefusal(`invalid ${error.field}`);
      const email = await tokenDealer.accounts.resetLinkEmail(token).catch(() => '');
      return context.html(400, newPasswordPage(context, token, email, { [error.field]: error.message }));
    }
  });
}
