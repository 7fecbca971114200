import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable } from '@runnerly/database';
import { InvalidRequest, OAuthError, PayloadTooLarge, ServerError, TemporarilyUnavailable } from '../oauth/errors.js';
import type { TokenDealer } from '../tokendealer.js';
import { allowRegisteredOrigin } from './cors.js';

/** Every failure of an OAuth endpoint becomes the RFC 6749 section 5.2 JSON, here and only here. */
export function installOAuthErrorHandler(app: FastifyInstance, tokenDealer: TokenDealer): void {
  const { metrics } = tokenDealer;
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const oauthError = toOAuthError(error);
    if (oauthError instanceof ServerError) {
      request.log.error({ err: error }, 'unexpected error');
    } else if (oauthError instanceof TemporarilyUnavailable) {
      request.log.warn({ err: error }, 'database unavailable');
    } else {
      request.log.info({ route: request.routeOptions.url, error: oauthError.code, description: oauthError.description }, 'oauth request refused');
    }
    metrics.oauthErrors.inc(request.routeOptions.url ?? 'unmatched', oauthError.code);
    // A browser app must be able to read why its request failed.
    if (request.headers.origin !== undefined && request.routeOptions.url !== '/oauth/introspect') allowRegisteredOrigin(request, reply, tokenDealer);
    return reply
      .code(oauthError.status)
      .headers({ ...oauthError.headers(), 'cache-control': 'no-store', pragma: 'no-cache' })
      .send(oauthError.body());
  });
}

function toOAuthError(error: FastifyError): OAuthError {
  if (error instanceof OAuthError) return error;
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new InvalidRequest('request body must be application/x-www-form-urlencoded');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new PayloadTooLarge('request body too large');
  }
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    return new InvalidRequest('malformed request');
  }
  if (isDatabaseUnavailable(error)) return new TemporarilyUnavailable();
  return new ServerError('internal error');
}
