import type { FastifyInstance } from 'fastify';
import type { TokenDealer } from '../../tokendealer.js';
import { html } from '../html.js';
import { page } from '../layout.js';
import { postForm } from '../form-fields.js';
import { WebContext } from '../web-context.js';

/** The signed-in user's page; "Authorized apps" will list the apps granted access once authorization exists. */
export function accountPages(app: FastifyInstance, tokenDealer: TokenDealer): void {
  app.get('/account', async (request, reply) => {
    const context = await WebContext.load(tokenDealer, request, reply);
    if (!context.session) return context.redirect('/signin?return_to=%2Faccount');
    const { email } = context.session;
    return context.html(200, page({
      title: 'Your account',
      signedInAs: email,
      body: html`<dl><dt>Email</dt><dd>${email}</dd></dl>
<p><a href="/reset">Change password</a></p>
<section aria-labelledby="apps-title">
<h2 id="apps-title">Authorized apps</h2>
<p>You have not authorized any apps yet.</p>
</section>
${postForm('/signout', context.csrfToken(), html``, 'Sign out', 'secondary')}`,
    }));
  });

  app.post('/signout', async (request, reply) => {
    const context = await WebContext.load(tokenDealer, request, reply);
    context.form();
    if (context.session) request.log.info({ user_id: context.session.userId }, 'signed out');
    await context.endSession();
    return context.redirect('/signin');
  });
}
