import type { FastifyInstance, FastifyRequest } from 'fastify';
import { UnsupportedContentEncoding } from '../oauth/errors.js';
import { FormParameters } from '../oauth/parameters.js';

/**
 * OAuth endpoints accept application/x-www-form-urlencoded only (RFC 6749 section 3.2); any
 * other content type is refused by Fastify and answered as invalid_request, and a body with a
 * Content-Encoding here, with 415. The pages share this parser with a smaller `bodyLimit` of
 * their own.
 */
export const ENCODED_BODY = 'request body must not be encoded (no Content-Encoding but identity)';

export function acceptFormBodies(app: FastifyInstance, bodyLimit?: number): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: bodyLimit ?? app.initialConfig.bodyLimit }, (request, body, done) => {
    // Nothing here decompresses: read as a form, an encoded body's bytes would be taken for parameters.
    if (isContentEncoded(request)) {
      done(new UnsupportedContentEncoding(ENCODED_BODY), undefined);
      return;
    }
    try {
      done(null, FormParameters.parse(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}

/** Whether the body has a content coding other than identity (RFC 9110 section 8.4; codings are case-insensitive). */
export function isContentEncoded(request: FastifyRequest): boolean {
  const header = request.headers['content-encoding'];
  if (header === undefined) return false;
  return header.split(',').some((coding) => {
    const name = coding.trim().toLowerCase();
    return name !== '' && name !== 'identity';
  });
}
