import { InvalidRequest } from '../errors.js';

/** The parameters of an authorization request this server reads; any other is ignored (RFC 6749 section 3.1). */
export const AUTHORIZATION_PARAMETERS = [
  'client_id',
  'redirect_uri',
  'response_type',
  'response_mode',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
  'resource',
  'audience',
  'prompt',
  'max_age',
  'request',
  'request_uri',
  // OpenID Connect Core section 3.1.2.1.
  'nonce',
  'claims',
  'login_hint',
  'id_token_hint',
] as const;

/** Ours, not OAuth's: the signed moment from which a sign-in counts (sign-in-marker.ts). */
const INTERNAL_PARAMETERS = ['sign_in_after'];

const KNOWN = new Set<string>([...AUTHORIZATION_PARAMETERS, ...INTERNAL_PARAMETERS]);
/** RFC 8707 section 2: the only parameter that may be given more than once. */
const MULTI_VALUED = new Set(['resource']);
const MAX_PARAMETERS = 64;
const MAX_VALUE_LENGTH = 4096;

/**
 * The query (GET) or form body (POST) of an authorization request. Unlike token requests, a
 * repeated parameter is not refused while parsing but when it is read, so that a repeated
 * `scope` can still be reported to the client once client_id and redirect_uri are known.
 */
export class AuthorizationParameters {
  private constructor(private readonly values: ReadonlyMap<string, string[]>) {}

  static parse(raw: string): AuthorizationParameters {
    const values = new Map<string, string[]>();
    const pairs = raw.length === 0 ? [] : raw.split('&');
    if (pairs.length > MAX_PARAMETERS) throw new InvalidRequest(`too many parameters (more than ${MAX_PARAMETERS})`);
    for (const pair of pairs) {
      const separator = pair.indexOf('=');
      const name = decode(separator === -1 ? pair : pair.slice(0, separator));
      if (!KNOWN.has(name)) continue;
      const value = separator === -1 ? '' : decode(pair.slice(separator + 1));
      if (value.length > MAX_VALUE_LENGTH) throw new InvalidRequest(`parameter ${name} is too long`);
      // RFC 6749 section 3.1: parameters sent without a value are treated as omitted.
      if (value === '') continue;
      values.set(name, [...(values.get(name) ?? []), value]);
    }
    return new AuthorizationParameters(values);
  }

  /** From stored or pushed parameters: only the known ones are kept. */
  static from(entries: Iterable<[string, string[]]>): AuthorizationParameters {
    return new AuthorizationParameters(new Map([...entries].filter(([name, list]) => KNOWN.has(name) && list.length > 0)));
  }

  /** The single value of a parameter; a repeated one is refused (RFC 6749 section 3.1). */
  get(name: string): string | undefined {
    const list = this.values.get(name);
    if (list !== undefined && list.length > 1 && !MULTI_VALUED.has(name)) throw new InvalidRequest(`parameter ${name} is repeated`);
    return list?.[0];
  }

  getAll(name: string): string[] {
    return this.values.get(name) ?? [];
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  without(name: string): AuthorizationParameters {
    return new AuthorizationParameters(new Map([...this.values].filter(([key]) => key !== name)));
  }

  toJSON(): Record<string, string[]> {
    return Object.fromEntries(this.values);
  }

  /** The parameters as a query string again (to come back to the same request after sign-in). */
  toQuery(): string {
    const query = new URLSearchParams();
    for (const [name, list] of this.values) for (const value of list) query.append(name, value);
    return query.toString();
  }
}

function decode(component: string): string {
  try {
    return decodeURIComponent(component.replace(/\+/g, ' '));
  } catch {
    throw new InvalidRequest('malformed percent-encoding');
  }
}
