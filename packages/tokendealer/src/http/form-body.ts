import type { FastifyInstance } from 'fastify';
import { FormParameters } from '../oauth/parameters.js';

/**
 * OAuth endpoints accept application/x-www-form-urlencoded only (RFC 6749 section 3.2); any
 * other content type is refused by Fastify and answered as invalid_request. The pages share
 * this parser with a smaller `bodyLimit` of their own.
 */
export function acceptFormBodies(app: FastifyInstance, bodyLimit?: number): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: bodyLimit ?? app.initialConfig.bodyLimit }, (_request, body, done) => {
    try {
      done(null, FormParameters.parse(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}
