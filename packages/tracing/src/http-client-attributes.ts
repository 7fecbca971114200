// A client span's name and attributes for one outgoing HTTP request, as the OpenTelemetry HTTP
// semantic conventions (stable, v1.2x) ask: method, server address and port, the full URL with its
// credentials and query secrets redacted. Headers are never recorded: they carry Authorization
// and cookies.
import type { Attributes } from '@opentelemetry/api';

const KNOWN_METHODS = new Set(['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE', 'QUERY']);

// The conventions' list (signed cloud URLs), then the names OAuth and API keys travel under.
const SECRET_QUERY_KEYS = new Set(
  ['AWSAccessKeyId', 'Signature', 'sig', 'X-Goog-Signature', 'access_token', 'refresh_token', 'id_token', 'client_secret', 'client_assertion', 'code', 'token', 'password', 'secret', 'api_key', 'apikey', 'key'].map((key) => key.toLowerCase()),
);

/** `{method}`, or `HTTP` for a method the conventions do not know (its name is then unbounded). */
export function clientSpanName(method: string): string {
  return KNOWN_METHODS.has(method) ? method : 'HTTP';
}

/** `origin` as undici keeps it (`http://host:port`), `path` with its query. */
export function clientRequestAttributes(method: string, origin: string, path: string): Attributes {
  const url = new URL(path, origin);
  const known = KNOWN_METHODS.has(method);
  return {
    'http.request.method': known ? method : '_OTHER',
    ...(known ? {} : { 'http.request.method_original': method }),
    'server.address': url.hostname.replace(/^\[(.*)\]$/, '$1'),
    'server.port': url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port),
    'url.full': redactedUrl(url),
  };
}

/** The URL without user:password (REDACTED instead) and with secret query values REDACTED. */
export function redactedUrl(url: URL): string {
  const copy = new URL(url.href);
  if (copy.username !== '' || copy.password !== '') {
    copy.username = 'REDACTED';
    copy.password = 'REDACTED';
  }
  copy.hash = '';
  if (copy.search === '') return copy.href;
  // Rebuilt by hand: URLSearchParams would re-encode the values that stay.
  const query = copy.search
    .slice(1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const name = equals === -1 ? pair : pair.slice(0, equals);
      return equals !== -1 && SECRET_QUERY_KEYS.has(decodedName(name).toLowerCase()) ? `${name}=REDACTED` : pair;
    })
    .join('&');
  copy.search = query;
  return copy.href;
}

function decodedName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}
