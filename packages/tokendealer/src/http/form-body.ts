import type { FastifyInstance } from 'fastify';
import { FormParameters } from '../oauth/parameters.js';

/**
 * OAuth endpoints accept application/x-www-form-urlencoded only (RFC 6749 section 3.2); any
 * other content type is refused by Fastify and answered as invalid_request.
 */
export function acceptFormBodies(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, FormParameters.parse(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}
