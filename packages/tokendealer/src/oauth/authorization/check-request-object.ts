import { InvalidRequest, RequestNotSupported } from '../errors.js';
import type { AuthorizationParameters } from './authorization-parameters.js';

/**
 * RFC 9101: request objects are not supported; request_uri only names a pushed request
 * (RFC 9126), resolved before these checks, and may not itself be pushed (RFC 9126 section 2.1).
 */
export function checkRequestObject(params: AuthorizationParameters): void {
  if (params.has('request')) throw new RequestNotSupported('request objects are not supported; use a pushed authorization request');
  if (params.has('request_uri')) throw new InvalidRequest('request_uri may only name a pushed authorization request');
}
