// What every route of the data service is given, and the schema fragments they all declare.
import type { FastifyRequest } from 'fastify';
import { pathSubject } from '@runnerly/http-service';
import { Type } from '@sinclair/typebox';
// The guard's requireAccess and request.accessToken, and swagger's route schema keys (tags, summary).
import type {} from '@runnerly/guard/fastify';
import type {} from '@fastify/swagger';
import type { Logger } from 'pino';
import type { DataServiceConfig } from '../config/options.js';
import type { UploadParser } from '../imports/upload-parser.js';
import type { Profile } from '../schemas/profile-schemas.js';
import type { DataServiceStorage } from '../storage/open-storage.js';

export interface RouteContext {
  config: DataServiceConfig;
  storage: DataServiceStorage;
  logger: Logger;
  /** Milliseconds since the epoch: the service's clock (tests set it). */
  clock: () => number;
  parseUpload: UploadParser;
}

/** Timestamps the service writes: ISO 8601 UTC to the second. */
export function nowText(context: RouteContext): string {
  return new Date(context.clock()).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The runner a public route acts for (`me` or the token's own subject; anyone else is 404), created on first sight. */
export function pathRunner(context: RouteContext, request: FastifyRequest, pathValue: string): Promise<Profile> {
  return context.storage.profiles.findOrCreate(pathSubject(request, pathValue), nowText(context));
}

/** The runner holding the token, created on first sight. */
export function tokenRunner(context: RouteContext, request: FastifyRequest): Promise<Profile> {
  const sub = request.accessToken?.sub;
  if (sub === undefined) throw new Error('tokenRunner needs a route guarded by requireAccess');
  return context.storage.profiles.findOrCreate(sub, nowText(context));
}

export const BearerErrorSchema = Type.Object(
  { error: Type.String(), error_description: Type.String() },
  { $id: 'BearerError', description: 'RFC 6750 token error (401 invalid_token, 403 insufficient_scope)' },
);

const problem = { $ref: 'Problem#' };
const bearerError = { $ref: 'BearerError#' };

/** Response schemas of the errors a guarded route may answer, plus the given problem statuses. */
export function errorResponses(...statuses: number[]): Record<number, unknown> {
  const responses: Record<number, unknown> = { 401: bearerError, 403: bearerError };
  for (const status of statuses) responses[status] = status === 403 ? { anyOf: [problem, bearerError] } : problem;
  return responses;
}

export const bearerSecurity = [{ bearer: [] }];
