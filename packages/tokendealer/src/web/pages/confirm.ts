import type { FastifyInstance } from 'fastify';
import type { TokenDealer } from '../../tokendealer.js';
import { InvalidLink } from '../../accounts/account-errors.js';
import { html } from '../html.js';
import { page } from '../layout.js';
import { errorSummary, field, hiddenField, postForm, type FieldErrors } from '../form-fields.js';
import { BadRequest, tooManyRequests } from '../web-errors.js';
import { WebContext } from '../web-context.js';
import { clientAddress } from '../../http/client-address.js';

function confirmForm(context: WebContext, token: string, email: string, errors: FieldErrors = {}, general?: string): string {
  // The username field lets password managers match the password to the account.
  const body = html`${errorSummary(errors, general)}<p>To activate the account of <strong>${email}</strong>, enter the password you chose when you signed up.</p>
${postForm(
    '/confirm',
    context.csrfToken(),
    html`${hiddenField('token', token)}
<input type="text" name="username" value="${email}" autocomplete="username" hidden readonly>
${field({ name: 'password', label: 'Password', type: 'password', autocomplete: 'current-password', errors })}`,
    'Confirm',
  )}
<p class="more">Did not sign up? Ignore this page and the message that led here: nothing happens without the password.</p>`;
  return page({ title: 'Confirm your email', body });
}

const invalidLink = (error: InvalidLink) => new BadRequest(`${error.message} To get a new confirmation link, sign up again with the same email.`);

const WRONG_PASSWORD =
  'This is not the password chosen at the sign-up that sent this link. If you signed up more than once, use the link in the latest message; if that does not work either, sign up again.';

/**
 * The link mailed at sign-up. Opening it only shows a form: the account becomes active when the
 * password of that sign-up is entered (see AccountService.confirm), so a mail scanner that
 * follows links spends nothing.
 */
export function confirmPages(app: FastifyInstance, tokenDealer: TokenDealer): void {
  app.get('/confirm', async (request, reply) => {
    const context = await WebContext.load(tokenDealer, request, reply);
    const token = context.query('token');
    if (token === undefined) throw new BadRequest('This confirmation link is incomplete: open the whole link from the message we sent you.');
    try {
      return context.html(200, confirmForm(context, token, await tokenDealer.accounts.confirmationLinkEmail(token)));
    } catch (error) {
      if (error instanceof InvalidLink) throw invalidLink(error);
      throw error;
    }
  });

  app.post('/confirm', async (request, reply) => {
    const context = await WebContext.load(tokenDealer, request, reply);
    const form = context.form();
    const token = form.get('token');
    if (token === undefined) throw new BadRequest('This confirmation form has no link token: open the link from the message we sent you again.');
    const password = form.get('password') ?? '';
    try {
      const result = await tokenDealer.accounts.confirm(token, password, clientAddress(request));
      if (result.outcome === 'confirmed') {
        request.log.info({ user_id: result.user.userId }, 'email confirmed');
        return context.html(200, page({
          title: 'Email confirmed',
          signedInAs: context.session?.email,
          body: html`<p class="notice" role="status">Your email address <strong>${result.user.email}</strong> is confirmed and your account is active.</p>
<p><a href="/signin">Sign in</a></p>`,
        }));
      }
      const email = await tokenDealer.accounts.confirmationLinkEmail(token);
      if (result.outcome === 'throttled') {
        context.logRefusal('confirmation throttled', { retry_after: result.retryAfterSeconds });
        reply.header('retry-after', String(result.retryAfterSeconds));
        return context.html(429, confirmForm(context, token, email, {}, tooManyRequests(result.retryAfterSeconds)));
      }
      context.logRefusal('confirmation with another password');
      return context.html(400, confirmForm(context, token, email, { password: WRONG_PASSWORD }));
    } catch (error) {
      if (error instanceof InvalidLink) throw invalidLink(error);
      throw error;
    }
  });
}
