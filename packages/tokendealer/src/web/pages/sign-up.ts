import type { FastifyInstance } from 'fastify';
import type { TokenDealer } from '../../tokendealer.js';
import { AccountInputError } from '../../accounts/account-errors.js';
import { MIN_PASSWORD_LENGTH } from '../../accounts/password-policy.js';
import { html } from '../html.js';
import { page } from '../layout.js';
import { errorSummary, field, postForm, type FieldErrors } from '../form-fields.js';
import { WebContext } from '../web-context.js';
import { tooManyRequests } from '../web-errors.js';
import type { MailRequestResult } from '../../accounts/account-service.js';
import { clientAddress } from '../../http/client-address.js';

function signUpPage(context: WebContext, email: string | undefined, errors: FieldErrors = {}, general?: string): string {
  const body = html`${errorSummary(errors, general)}${postForm(
    '/signup',
    context.csrfToken(),
    html`${field({ name: 'email', label: 'Email', type: 'email', autocomplete: 'email', value: email, errors })}
${field({ name: 'password', label: 'Password', type: 'password', autocomplete: 'new-password', hint: `At least ${MIN_PASSWORD_LENGTH} characters. A few unrelated words make a good one.`, errors })}`,
    'Create account',
  )}
<p class="more">Already have an account? <a href="/signin">Sign in</a></p>`;
  return page({ title: 'Create an account', body });
}

export function signUpPages(app: FastifyInstance, tokenDealer: TokenDealer): void {
  app.get('/signup', async (request, reply) => {
    const context = await WebContext.load(tokenDealer, request, reply);
    return context.html(200, signUpPage(context, undefined));
  });

  app.post('/signup', async (request, reply) => {
    const context = await WebContext.load(tokenDealer, request, reply);
    const form = context.form();
    const email = form.get('email');
    const password = form.get('password');
    if (email === undefined || password === undefined) {
      context.logRefusal('missing email or password');
      return context.html(400, signUpPage(context, email, {
        ...(email === undefined ? { email: 'Enter your email address.' } : {}),
        ...(password === undefined ? { password: 'Choose a password.' } : {}),
      }));
    }
    let result: MailRequestResult;
    try {
      result = await tokenDealer.accounts.signUp(email, password, clientAddress(request));
    } catch (error) {
      if (!(error instanceof AccountInputError)) throw error;
      context.logRefusal(`invalid ${error.field}`);
      return context.html(400, signUpPage(context, email, { [error.field]: error.message }));
    }
    if (result.outcome === 'throttled') {
      context.logRefusal('sign-up throttled', { retry_after: result.retryAfterSeconds });
      reply.header('retry-after', String(result.retryAfterSeconds));
      return context.html(429, signUpPage(context, email, {}, tooManyRequests(result.retryAfterSeconds)));
    }
    // The same page whether or not the email already had an account.
    return context.html(200, page({
      title: 'Check your email',
      body: html`<p class="notice" role="status">We sent a message to <strong>${email.trim()}</strong>. Follow the link in it to activate your account.</p>
<p>The link works once, for 24 hours. No message? Check your spam folder, or <a href="/signup">sign up again</a> to get a new link.</p>`,
    }));
  });
}
