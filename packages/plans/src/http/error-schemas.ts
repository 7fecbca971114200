// Error answers of a guarded route: the guard's RFC 6750 token errors (not problem details: a
// Problem schema there makes every refused token a 500) and problem details for the rest.
import { Type } from '@sinclair/typebox';

export const BearerError = Type.Object(
  { error: Type.String(), error_description: Type.String() },
  { $id: 'BearerError', description: 'RFC 6750 token error (401 invalid_token, 403 insufficient_scope)' },
);

const problem = { $ref: 'Problem' };
const bearerError = { $ref: 'BearerError' };

export const errorResponses = { 400: problem, 401: bearerError, 403: { anyOf: [problem, bearerError] }, 404: problem, 503: problem };
