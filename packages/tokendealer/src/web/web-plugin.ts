import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable } from '@runnerly/database';
import type { TokenDealer } from '../tokendealer.js';
import { acceptFormBodies } from '../http/form-body.js';
import { OAuthError, UNAVAILABLE_RETRY_AFTER_SECONDS } from '../oauth/errors.js';
import { html } from './html.js';
import { page } from './layout.js';
import { PAGE_HEADERS } from './security-headers.js';
import { stylesheetRoute } from './stylesheet.js';
import { BadRequest, CsrfRefused, MethodNotAllowed, PayloadTooLarge, TemporarilyUnavailable, UnsupportedContentEncoding, UnsupportedMediaType, WebError } from './web-errors.js';
import { signInPages } from './pages/sign-in.js';
import { signUpPages } from './pages/sign-up.js';
import { confirmPages } from './pages/confirm.js';
import { passwordResetPages } from './pages/password-reset.js';
import { accountPages } from './pages/account.js';
import { consentPages } from './pages/consent.js';
import { endSessionPages } from './pages/end-session.js';

/** Forms are small: two fields and a token. */
const FORM_BODY_LIMIT = 8192;

const PAGES: Record<string, string> = {
  '/signin': 'GET, POST',
  '/signup': 'GET, POST',
  '/confirm': 'GET, POST',
  '/reset': 'GET, POST',
  '/reset/new': 'GET, POST',
  '/account': 'GET',
  '/signout': 'POST',
  '/account/apps/revoke': 'POST',
  '/oauth/consent': 'POST',
  '/oauth/logout': 'GET, POST',
  '/oauth/logout/confirm': 'POST',
  '/account/profile': 'POST',
};

/** The HTML pages for users: sign-in, sign-up, confirmation, password reset, account, sign-out. */
export async function webPages(app: FastifyInstance, options: { tokenDealer: TokenDealer }): Promise<void> {
  const { tokenDealer } = options;
  acceptFormBodies(app, FORM_BODY_LIMIT);
  installPageErrorHandler(app);
  if (tokenDealer.settleMailBeforeReply) {
    app.addHook('onSend', async () => {
      await tokenDealer.mailQueue.settled();
    });
  }

  stylesheetRoute(app);
  signInPages(app, tokenDealer);
  signUpPages(app, tokenDealer);
  confirmPages(app, tokenDealer);
  passwordResetPages(app, tokenDealer);
  accountPages(app, tokenDealer);
  consentPages(app, tokenDealer);
  endSessionPages(app, tokenDealer);
  for (const [path, allowed] of Object.entries(PAGES)) {
    const methods = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'].filter((method) => !allowed.includes(method));
    app.route({ method: methods, url: path, handler: async () => { throw new MethodNotAllowed(allowed); } });
  }
}

/** Every failure of a page becomes an HTML error page, here and only here. */
export function installPageErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => errorPage(toWebError(error), error, request, reply));
}

function toWebError(error: FastifyError): WebError {
  if (error instanceof WebError) return error;
  // The strict form parser's refusals (repeated or overlong parameters, bad encoding).
  if (error instanceof OAuthError && error.status === 400) return new BadRequest(`The form could not be read: ${error.description}.`);
  // Its refusal of a compressed body.
  if (error instanceof OAuthError && error.status === 415) return new UnsupportedContentEncoding();
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new UnsupportedMediaType();
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new PayloadTooLarge();
  }
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) return new BadRequest('The request could not be read.');
  if (isDatabaseUnavailable(error)) return new TemporarilyUnavailable(UNAVAILABLE_RETRY_AFTER_SECONDS);
  return new WebError(500, 'Something went wrong', 'Something went wrong on our side. Please try again in a moment.');
}

function errorPage(webError: WebError, cause: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (webError.status >= 500) {
    request.log.error({ err: cause }, 'unexpected error');
  } else {
    const reason = webError instanceof CsrfRefused ? webError.reason : webError.message;
    request.log.info({ route: request.routeOptions.url, ip: request.ip, status: webError.status, reason }, 'web request refused');
  }
  const body = page({ title: webError.title, body: html`<p class="error-summary" role="alert">${webError.message}</p><p><a href="/signin">Go to sign in</a></p>` });
  return reply.code(webError.status).headers({ ...PAGE_HEADERS, ...webError.headers() }).type('text/html; charset=utf-8').send(body);
}
