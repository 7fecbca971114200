import type { FastifyRequest } from 'fastify';

const MAX_PARAMETER_LENGTH = 2048;

/**
 * Strava reads OAuth and subscription parameters from the query string or the body (form,
 * multipart or JSON), so this does too: the body wins when both name one. Only strings (and
 * numbers, for a JSON client_id) count; anything longer than 2 KiB is ignored.
 */
export function parameter(request: FastifyRequest, name: string): string | undefined {
  for (const source of [request.body, request.query]) {
    if (source === null || typeof source !== 'object') continue;
    const value = (source as Record<string, unknown>)[name];
    const text = typeof value === 'string' ? value : typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;
    if (text !== undefined && text.length <= MAX_PARAMETER_LENGTH) return text;
  }
  return undefined;
}

/** The token of an `Authorization: Bearer` header, if there is one. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(header);
  return match?.[1];
}
