// Bounded JSON over HTTP: every call has a timeout and a size cap, because the answers
// (metadata, key sets, tokens) are small and a stuck or huge response must not stall a service.

/** Largest response body accepted from the authorization server. */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

/** Default time allowed for one request to the authorization server. */
export const DEFAULT_TIMEOUT_MS = 5000;

export interface JsonResponse {
  readonly status: number;
  /** Parsed body, or `undefined` when the body is not JSON. */
  readonly body: unknown;
}

export interface FetchJsonOptions {
  readonly timeoutMs: number;
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

/** Fetches `url` and parses the body as JSON; throws on network errors, timeouts and oversized bodies. */
export async function fetchJson(url: string, options: FetchJsonOptions): Promise<JsonResponse> {
  const response = await fetch(url, {
    method: options.method ?? 'GET',
    headers: { accept: 'application/json', ...options.headers },
    body: options.body,
    signal: AbortSignal.timeout(options.timeoutMs),
  });
  const text = await readLimited(response, MAX_RESPONSE_BYTES);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, body };
}

async function readLimited(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new Error(`response from ${response.url} exceeds ${maxBytes} bytes`);
  }
  if (response.body === null) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new Error(`response from ${response.url} exceeds ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** True when `value` is a JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
