// /auth/login, /auth/callback, /auth/logout: the browser's side of signing in and out.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import * as oidc from 'openid-client';
import { Type, type Static } from '@sinclair/typebox';
import type { SessionService, ActiveSession } from '../sessions/session-service.js';
import { SignInError } from '../sessions/session-service.js';
import { readCookie, sessionCookie, type CookiePolicy } from '../sessions/cookies.js';
import type { IssuedTokens } from './token-dealer-client.js';
import { messagePage } from '../web/message-page.js';

export interface AuthRoutesOptions {
  sessions: SessionService;
  cookies: CookiePolicy;
  publicUrl: string;
  sessionLifetime: number;
  /** Called after each sign-in (e.g. to keep the runner's email with the profile); failures are logged, never fatal. */
  onSignIn?: (tokens: IssuedTokens) => Promise<void>;
  /** The session of the request, if any (shared with the API routes). */
  sessionOf: (cookieHeader: string | undefined) => Promise<ActiveSession | undefined>;
}

const LOGIN_COOKIE_LIFETIME = 600;
const LoginQuery = Type.Object({ return_to: Type.Optional(Type.String({ maxLength: 512 })) });

export function registerAuthRoutes(app: FastifyInstance, options: AuthRoutesOptions): void {
  const loginCookie = `${options.cookies.secure ? '__Host-' : ''}runnerly_login`;
  const loginCookieValue = (value: string, maxAge: number): string =>
    [`${loginCookie}=${value}`, 'Path=/', `Max-Age=${maxAge}`, 'HttpOnly', 'SameSite=Lax', ...(options.cookies.secure ? ['Secure'] : [])].join('; ');
  const noStore = (reply: FastifyReply): FastifyReply => reply.header('cache-control', 'no-store');

  app.get<{ Querystring: Static<typeof LoginQuery> }>('/auth/login', { schema: { hide: true, querystring: LoginQuery } }, async (request, reply) => {
    const binding = randomBytes(32).toString('base64url');
    const target = await options.sessions.startSignIn(request.query.return_to, binding);
    return noStore(reply).header('set-cookie', loginCookieValue(binding, LOGIN_COOKIE_LIFETIME)).redirect(target, 302);
  });

  app.get('/auth/callback', { schema: { hide: true } }, async (request, reply) => {
    const url = new URL(request.url, options.publicUrl);
    try {
      const { sessionId, returnTo, tokens } = await options.sessions.finishSignIn(url, readCookie(request.headers.cookie, loginCookie));
      if (options.onSignIn) {
        await options.onSignIn(tokens).catch((error: unknown) => request.log.warn({ err: error }, 'after-sign-in step failed'));
      }
      return noStore(reply)
        .header('set-cookie', [sessionCookie(options.cookies, sessionId, options.sessionLifetime), loginCookieValue('', 0)])
        .redirect(returnTo, 303);
    } catch (error) {
      const message =
        error instanceof SignInError ? error.message : error instanceof oidc.ResponseBodyError || error instanceof oidc.AuthorizationResponseError || error instanceof oidc.ClientError ? 'TokenDealer refused the sign-in; please try again' : undefined;
      if (message === undefined) throw error;
      request.log.info({ reason: error instanceof Error ? error.message : String(error) }, 'sign-in failed');
      return noStore(reply).code(400).header('set-cookie', loginCookieValue('', 0)).type('text/html; charset=utf-8').send(messagePage('Sign-in failed', message, { href: '/auth/login', label: 'Sign in again' }));
    }
  });

  app.post('/auth/logout', { schema: { hide: true } }, async (request, reply) => {
    const session = await options.sessionOf(request.headers.cookie);
    if (!session) return noStore(reply).header('set-cookie', sessionCookie(options.cookies, '', 0)).send({ redirect: '/' });
    if (!options.sessions.csrfMatches(session, request.headers['x-csrf-token'])) {
      return noStore(reply).code(403).type('application/problem+json').send({ type: 'urn:runnerly:problem:csrf', title: 'Forbidden', status: 403, detail: 'missing or wrong CSRF token' });
    }
    const endSession = await options.sessions.signOut(session, `${options.publicUrl}/`);
    return noStore(reply).header('set-cookie', sessionCookie(options.cookies, '', 0)).send({ redirect: endSession ?? '/' });
  });
}
