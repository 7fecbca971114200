import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SandboxContext } from '../context.js';
import { StravaFault } from '../http/faults.js';
import { parameter } from '../http/parameters.js';
import { authorizeQuery, checkAuthorizeRequest, redirectBack, type AuthorizeRequest } from './authorize-request.js';
import { consentPage, signInPage } from './authorize-pages.js';
import { withRequiredRead } from './scopes.js';

const sameText = (a: string, b: string) => timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

function sendPage(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('x-frame-options', 'DENY')
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http: https:; frame-ancestors 'none'")
    .send(html);
}

/** The authorize request carried in a form's `next` field (re-checked: it came back from the browser). */
function requestFromNext(context: SandboxContext, request: FastifyRequest): AuthorizeRequest {
  const next = new URLSearchParams(parameter(request, 'next') ?? '');
  return checkAuthorizeRequest(context.clients, (name) => next.get(name) ?? undefined);
}

function listOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return [];
}

/**
 * `GET /oauth/authorize` shows a sign-in form, then the consent form; `approval_prompt=auto`
 * skips consent when the athlete already granted every requested scope to the application.
 */
export function authorizeRoutes(app: FastifyInstance, context: SandboxContext): void {
  app.get('/oauth/authorize', async (request, reply) => {
    const authorize = checkAuthorizeRequest(context.clients, (name) => parameter(request, name));
    const next = authorizeQuery(authorize);
    const session = context.sessions.current(request);
    const athlete = session ? context.activities.athlete(session.athleteId) : undefined;
    if (!session || !athlete) return sendPage(reply, 200, signInPage(authorize.client, next));
    const wanted = withRequiredRead(authorize.scopes);
    const grant = context.tokens.grant(athlete.id, authorize.client.clientId);
    if (authorize.approvalPrompt === 'auto' && grant && wanted.every((scope) => grant.scopes.includes(scope))) {
      const code = context.tokens.authorize(authorize.client.clientId, athlete.id, grant.scopes);
      return reply.redirect(redirectBack(authorize, { code, scopes: grant.scopes }), 302);
    }
    return sendPage(
      reply,
      200,
      consentPage(authorize.client, athlete, wanted, { ...Object.fromEntries(new URLSearchParams(next)), csrf_token: session.csrfToken, next }),
    );
  });

  app.post('/oauth/sign-in', async (request, reply) => {
    const authorize = requestFromNext(context, request);
    const athlete = context.activities.athleteByUsername(parameter(request, 'username') ?? '');
    const password = parameter(request, 'password') ?? '';
    if (!athlete || !sameText(athlete.password, password)) {
      return sendPage(reply, 401, signInPage(authorize.client, authorizeQuery(authorize), 'Wrong username or password.'));
    }
    context.sessions.start(reply, athlete.id);
    return reply.redirect(`/oauth/authorize?${authorizeQuery(authorize)}`, 303);
  });

  app.post('/oauth/sign-out', async (request, reply) => {
    const authorize = requestFromNext(context, request);
    context.sessions.end(request, reply);
    return reply.redirect(`/oauth/authorize?${authorizeQuery(authorize)}`, 303);
  });

  app.post('/oauth/authorize', async (request, reply) => {
    const authorize = checkAuthorizeRequest(context.clients, (name) => parameter(request, name));
    const session = context.sessions.current(request);
    const csrf = parameter(request, 'csrf_token') ?? '';
    if (!session || !sameText(session.csrfToken, csrf)) {
      throw new StravaFault(403, 'Forbidden', [{ resource: 'Authorize', field: 'csrf_token', code: 'invalid' }]);
    }
    if (parameter(request, 'decision') !== 'authorize') {
      return reply.redirect(redirectBack(authorize, { error: 'access_denied' }), 302);
    }
    const ticked = listOf((request.body as Record<string, unknown> | undefined)?.granted);
    const granted = withRequiredRead(authorize.scopes.filter((scope) => ticked.includes(scope)));
    const code = context.tokens.authorize(authorize.client.clientId, session.athleteId, granted);
    return reply.redirect(redirectBack(authorize, { code, scopes: granted }), 302);
  });
}
