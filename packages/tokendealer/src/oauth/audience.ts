import type { ClientRecord } from '../clients/client.js';
import { InvalidRequest, InvalidTarget } from './errors.js';
import type { FormParameters } from './parameters.js';

export function isAbsoluteUri(value: string): boolean {
  if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(value)) return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * The audience of the token: picked with `audience` (any registered value, as the original
 * TokenDealer did) or `resource` (RFC 8707: absolute URIs, possibly several), else the
 * client's first registered audience.
 */
export function selectAudience(params: Pick<FormParameters, 'get' | 'getAll'>, client: ClientRecord): string | string[] {
  const audience = params.get('audience');
  const resources = params.getAll('resource');
  if (audience !== undefined && resources.length > 0) {
    throw new InvalidRequest('use either audience or resource, not both');
  }
  if (audience !== undefined) {
    if (!client.audiences.includes(audience)) throw new InvalidTarget(`audience not allowed for this client: ${audience}`);
    return audience;
  }
  if (resources.length > 0) {
    for (const resource of resources) {
      // RFC 8707 section 2: an absolute URI without a fragment.
      if (!isAbsoluteUri(resource) || resource.includes('#')) {
        throw new InvalidTarget('resource must be an absolute URI without a fragment');
      }
      if (!client.audiences.includes(resource)) throw new InvalidTarget(`resource not allowed for this client: ${resource}`);
    }
    const unique = [...new Set(resources)];
    return unique.length === 1 ? unique[0]! : unique;
  }
  const first = client.audiences[0];
  if (first === undefined) throw new InvalidTarget('this client has no registered audience');
  return first;
}
