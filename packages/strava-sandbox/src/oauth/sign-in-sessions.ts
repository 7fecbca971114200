import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'strava_sandbox_session';
const SESSION_TTL_MS = 8 * 3_600_000;

export interface SignInSession {
  athleteId: number;
  /** Sent back by the consent form, so another site cannot post a decision for the athlete. */
  csrfToken: string;
  expiresAt: number;
}

/** Who is signed in to the sandbox's authorize pages, by an HttpOnly cookie. */
export class SignInSessions {
  private readonly sessions = new Map<string, SignInSession>();

  constructor(private readonly clock: () => number) {}

  start(reply: FastifyReply, athleteId: number): SignInSession {
    const id = randomBytes(24).toString('base64url');
    const session = { athleteId, csrfToken: randomBytes(24).toString('base64url'), expiresAt: this.clock() + SESSION_TTL_MS };
    this.sessions.set(id, session);
    reply.header('set-cookie', `${SESSION_COOKIE}=${id}; Path=/oauth; HttpOnly; SameSite=Lax`);
    return session;
  }

  current(request: FastifyRequest): SignInSession | undefined {
    const id = cookieValue(request.headers.cookie, SESSION_COOKIE);
    const session = id === undefined ? undefined : this.sessions.get(id);
    if (!session || session.expiresAt <= this.clock()) return undefined;
    return session;
  }

  end(request: FastifyRequest, reply: FastifyReply): void {
    const id = cookieValue(request.headers.cookie, SESSION_COOKIE);
    if (id !== undefined) this.sessions.delete(id);
    reply.header('set-cookie', `${SESSION_COOKIE}=; Path=/oauth; HttpOnly; SameSite=Lax; Max-Age=0`);
  }
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}
