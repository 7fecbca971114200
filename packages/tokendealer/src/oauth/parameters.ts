import { InvalidRequest } from './errors.js';

const MAX_PARAMETERS = 32;
const MAX_NAME_LENGTH = 64;

/** Longest accepted value per parameter; anything longer is an error, not truncated. */
const MAX_VALUE_LENGTH: Record<string, number> = {
  client_assertion: 8192,
  token: 8192,
  scope: 2048,
};
const DEFAULT_MAX_VALUE_LENGTH = 1024;

/** Parameters that RFC 8707 allows more than once. */
const MULTI_VALUED = new Set(['resource']);

/**
 * An application/x-www-form-urlencoded request body (RFC 6749 appendix B), with the rules the
 * spec gives: parameters without a value are treated as omitted (section 3.1), and no
 * parameter may be included more than once.
 */
export class FormParameters {
  private constructor(private readonly values: Map<string, string[]>) {}

  static parse(body: string): FormParameters {
    const values = new Map<string, string[]>();
    if (body.length === 0) return new FormParameters(values);
    const pairs = body.split('&');
    if (pairs.length > MAX_PARAMETERS) throw new InvalidRequest(`too many parameters (more than ${MAX_PARAMETERS})`);
    for (const pair of pairs) {
      if (pair === '') continue;
      const separator = pair.indexOf('=');
      const name = decode(separator === -1 ? pair : pair.slice(0, separator));
      const value = separator === -1 ? '' : decode(pair.slice(separator + 1));
      if (name.length === 0 || name.length > MAX_NAME_LENGTH) throw new InvalidRequest('malformed parameter name');
      const limit = MAX_VALUE_LENGTH[name] ?? DEFAULT_MAX_VALUE_LENGTH;
      if (value.length > limit) throw new InvalidRequest(`parameter ${safeName(name)} is too long (more than ${limit} characters)`);
      if (value === '') continue;
      const existing = values.get(name);
      if (existing) {
        if (!MULTI_VALUED.has(name)) throw new InvalidRequest(`parameter ${safeName(name)} is repeated`);
        existing.push(value);
      } else {
        values.set(name, [value]);
      }
    }
    return new FormParameters(values);
  }

  get(name: string): string | undefined {
    return this.values.get(name)?.[0];
  }

  getAll(name: string): string[] {
    return this.values.get(name) ?? [];
  }

  names(): string[] {
    return [...this.values.keys()];
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  require(name: string): string {
    const value = this.get(name);
    if (value === undefined) throw new InvalidRequest(`missing required parameter ${name}`);
    return value;
  }
}

function decode(component: string): string {
  // Most names and values need no decoding: no regex, no decodeURIComponent for them.
  if (component.indexOf('%') === -1 && component.indexOf('+') === -1) return component;
  try {
    return decodeURIComponent(component.replace(/\+/g, ' '));
  } catch {
    throw new InvalidRequest('malformed percent-encoding in request body');
  }
}

/** Parameter names come from the caller: keep them printable and short in error messages. */
function safeName(name: string): string {
  return name.replace(/[^\x21-\x7e]/g, '?').slice(0, MAX_NAME_LENGTH);
}
