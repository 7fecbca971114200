import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TokenDealer } from '../tokendealer.js';
import { nowSeconds } from '../tokendealer.js';
import { FormParameters } from '../oauth/parameters.js';
import { randomToken } from '../crypto/random.js';
import type { Session } from '../sessions/session-service.js';
import { cookiePolicy, parseCookies, serializeCookie, type CookiePolicy } from '../sessions/session-cookie.js';
import { anonymousBinding, sessionBinding } from '../sessions/csrf.js';
import { BadRequest, CsrfRefused } from './web-errors.js';
import { formActionSources, PAGE_HEADERS, pageHeadersWithFormActions } from './security-headers.js';

const ANONYMOUS_ID_SHAPE = /^[A-Za-z0-9_-]{43}$/;
/** The anonymous CSRF cookie lives long enough to fill in a form at leisure. */
const ANONYMOUS_COOKIE_SECONDS = 24 * 3600;
const MAX_QUERY_VALUE_LENGTH = 1024;

/** What a page handler needs of its request: the session, the CSRF token of its forms, the form, cookies to set. */
export class WebContext {
  private anonymousId: string | undefined;
  private formActions: string[] = [];

  private constructor(
    readonly tokenDealer: TokenDealer,
    readonly request: FastifyRequest,
    readonly reply: FastifyReply,
    readonly cookies: CookiePolicy,
    readonly session: Session | undefined,
    private readonly sessionCookie: string | undefined,
  ) {
    const anonymous = parseCookies(request.headers.cookie).get(cookies.csrf);
    this.anonymousId = anonymous !== undefined && ANONYMOUS_ID_SHAPE.test(anonymous) ? anonymous : undefined;
  }

  static async load(tokenDealer: TokenDealer, request: FastifyRequest, reply: FastifyReply): Promise<WebContext> {
    const cookies = cookiePolicy(tokenDealer.issuer);
    const sessionCookie = parseCookies(request.headers.cookie).get(cookies.session);
    const session = sessionCookie === undefined ? undefined : await tokenDealer.sessions.find(sessionCookie, nowSeconds());
    return new WebContext(tokenDealer, request, reply, cookies, session, sessionCookie);
  }

  /** The CSRF token for the forms of the page being rendered (bound to the session, or to a new anonymous cookie). */
  csrfToken(): string {
    if (this.session) return this.tokenDealer.csrf.tokenFor(sessionBinding(this.session.hash));
    if (this.anonymousId === undefined) {
      this.anonymousId = randomToken(32);
      this.reply.header('set-cookie', serializeCookie(this.cookies.csrf, this.anonymousId, this.cookies, ANONYMOUS_COOKIE_SECONDS));
    }
    return this.tokenDealer.csrf.tokenFor(anonymousBinding(this.anonymousId));
  }

  /**
   * The posted form, after the CSRF checks: the browser's Origin and Sec-Fetch-Site when it sends
   * them, and always the token, which must match the session or the anonymous cookie.
   */
  form(): FormParameters {
    const params = (this.request.body as FormParameters | undefined) ?? FormParameters.parse('');
    const origin = this.request.headers.origin;
    // Our pages send no referrer, so browsers post them with "Origin: null"; Sec-Fetch-Site and the token still decide.
    if (origin !== undefined && origin !== 'null' && origin !== new URL(this.tokenDealer.issuer).origin) {
      throw new CsrfRefused(`cross-origin post from ${origin.slice(0, 100)}`);
    }
    const site = this.request.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none') throw new CsrfRefused(`sec-fetch-site ${String(site).slice(0, 20)}`);
    const bindings = [
      ...(this.session ? [sessionBinding(this.session.hash)] : []),
      ...(this.anonymousId ? [anonymousBinding(this.anonymousId)] : []),
    ];
    if (!this.tokenDealer.csrf.verify(params.get('csrf_token'), bindings)) {
      throw new CsrfRefused(params.has('csrf_token') ? 'csrf token does not match' : 'csrf token missing');
    }
    return params;
  }

  /** A query parameter given at most once, of bounded length. */
  query(name: string): string | undefined {
    const value = (this.request.query as Record<string, unknown> | undefined)?.[name];
    if (value === undefined || value === '') return undefined;
    if (typeof value !== 'string') throw new BadRequest(`The ${name} parameter must be given once.`);
    if (value.length > MAX_QUERY_VALUE_LENGTH) throw new BadRequest(`The ${name} parameter is too long.`);
    return value;
  }

  /** Signs the browser in: a new session id (never the one it came with), in the cookie. */
  async startSession(userId: string): Promise<void> {
    await this.endSession();
    const { id } = await this.tokenDealer.sessions.start(userId, nowSeconds());
    this.reply.header('set-cookie', serializeCookie(this.cookies.session, id, this.cookies, this.tokenDealer.config.sessionLifetime));
  }

  /** Ends the session server-side and clears its cookie. */
  async endSession(): Promise<void> {
    if (this.session) await this.tokenDealer.sessions.end(this.session.hash);
    if (this.sessionCookie !== undefined) this.reply.header('set-cookie', serializeCookie(this.cookies.session, '', this.cookies, 0));
  }

  /** The page's form may lead on, by redirect, to these redirect URIs of a client (see formActionSources). */
  allowFormRedirectsTo(redirectUris: readonly string[]): void {
    this.formActions = formActionSources(redirectUris);
  }

  /** Sends a page with the security headers. */
  html(status: number, body: string): FastifyReply {
    return this.reply.code(status).headers(pageHeadersWithFormActions(this.formActions)).type('text/html; charset=utf-8').send(body);
  }

  redirect(location: string): FastifyReply {
    return this.reply.code(303).headers(PAGE_HEADERS).header('location', location).send();
  }

  /** A refused request leaves one log line (never the form values). */
  logRefusal(reason: string, extra: Record<string, unknown> = {}): void {
    this.request.log.info({ route: this.request.routeOptions.url, ip: this.request.ip, reason, ...extra }, 'web request refused');
  }
}
