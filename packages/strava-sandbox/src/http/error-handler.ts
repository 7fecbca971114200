import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AdminError } from '../admin/admin.js';
import { StravaFault } from './faults.js';

const ADMIN_PREFIX = '/_sandbox';

/** The parameter a schema validation error is about (`per_page`, `start_date`, ...). */
function fieldOf(error: FastifyError): string {
  const first = error.validation?.[0];
  if (!first) return '';
  const missing = (first.params as { missingProperty?: string } | undefined)?.missingProperty;
  if (missing) return missing;
  const additional = (first.params as { additionalProperty?: string } | undefined)?.additionalProperty;
  if (additional) return additional;
  return first.instancePath.split('/').filter(Boolean)[0] ?? error.validationContext ?? '';
}

function problem(reply: FastifyReply, status: number, title: string, detail: string, field?: string) {
  return reply
    .code(status)
    .type('application/problem+json')
    .send({ type: 'about:blank', title, status, detail, ...(field !== undefined ? { field } : {}) });
}

/**
 * One place where refusals become responses: Strava's `{message, errors}` bodies for the
 * Strava endpoints, RFC 9457 problem details for the sandbox's own admin API. Unexpected errors
 * are logged and answered 500 without detail.
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const admin = request.url.startsWith(ADMIN_PREFIX);
    if (error instanceof StravaFault) return reply.code(error.statusCode).send(error.body());
    if (error instanceof AdminError) return problem(reply, error.status, error.status === 404 ? 'Not Found' : 'Bad Request', error.message, error.field);
    if (error.validation) {
      const field = fieldOf(error);
      if (admin) return problem(reply, 400, 'Bad Request', `${field || error.validationContext}: ${error.message}`, field);
      return reply.code(400).send(new StravaFault(400, 'Bad Request', [{ resource: 'Application', field, code: 'invalid' }]).body());
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      // Fastify's own refusals: unsupported media type, body too large, malformed JSON.
      if (admin) return problem(reply, status, 'Bad Request', error.message);
      return reply.code(status).send({ message: status === 413 ? 'Payload Too Large' : status === 415 ? 'Unsupported Media Type' : 'Bad Request', errors: [] });
    }
    request.log.error({ err: error }, 'request failed');
    if (admin) return problem(reply, 500, 'Internal Server Error', 'unexpected error');
    return reply.code(500).send({ message: 'Internal Error', errors: [] });
  });

  app.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith(ADMIN_PREFIX)) return problem(reply, 404, 'Not Found', `no route ${request.method} ${request.url.split('?')[0]}`);
    return reply.code(404).send({ message: 'Resource Not Found', errors: [] });
  });
}
