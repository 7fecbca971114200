import type { FastifyInstance } from 'fastify';
import type { TokenDealer } from '../../tokendealer.js';
import { InvalidLink } from '../../accounts/account-errors.js';
import { html } from '../html.js';
import { page } from '../layout.js';
import { BadRequest } from '../web-errors.js';
import { WebContext } from '../web-context.js';

/** The link mailed at sign-up: following it activates the account, once. */
export function confirmPage(app: FastifyInstance, tokenDealer: TokenDealer): void {
  app.get('/confirm', async (request, reply) => {
    const context = await WebContext.load(tokenDealer, request, reply);
    const token = context.query('token');
    if (token === undefined) throw new BadRequest('This confirmation link is incomplete: open the whole link from the message we sent you.');
    try {
      const user = await tokenDealer.accounts.confirm(token);
      request.log.info({ user_id: user.userId }, 'email confirmed');
      return context.html(200, page({
        title: 'Email confirmed',
        signedInAs: context.session?.email,
        body: html`<p class="notice" role="status">Your email address <strong>${user.email}</strong> is confirmed and your account is active.</p>
<p><a href="/signin">Sign in</a></p>`,
      }));
    } catch (error) {
      if (error instanceof InvalidLink) throw new BadRequest(`${error.message} To get a new confirmation link, sign up again with the same email.`);
      throw error;
    }
  });
}
