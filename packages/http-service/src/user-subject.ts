// `me` in a path means the token's subject; any other subject than the token's answers 404, so a
// runner cannot even learn whether another runner exists.
import type { FastifyRequest } from 'fastify';
import { notFound } from './problem.js';

export function pathSubject(request: FastifyRequest, pathValue: string): string {
  const claims = request.accessToken;
  if (claims === undefined) throw new Error('pathSubject needs a route guarded by requireAccess');
  if (pathValue === 'me' || pathValue === claims.sub) return claims.sub;
  throw notFound();
}
