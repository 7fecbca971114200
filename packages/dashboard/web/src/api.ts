// Calls to the backend-for-frontend: same origin, the session cookie travels by itself, and every
// state-changing call carries the session's CSRF token.
export interface SessionInfo {
  signed_in: boolean;
  user?: { sub: string; email: string | null; name: string | null };
  csrf_token?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

let csrfToken = '';

export function setCsrfToken(token: string): void {
  csrfToken = token;
}

/** A message a runner understands, from a problem+json answer or the status. */
async function failure(response: Response): Promise<ApiError> {
  let detail: string | undefined;
  let field: string | undefined;
  try {
    const body = (await response.json()) as { detail?: string; field?: string; error_description?: string };
    detail = body.detail ?? body.error_description;
    field = body.field;
  } catch {
    // not JSON
  }
  if (response.status === 401) return new ApiError(401, 'Your session has ended. Please sign in again.');
  if (response.status === 403) return new ApiError(403, 'Runnerly is not allowed to do that for you. Try signing out and in again.');
  if (response.status === 404) return new ApiError(404, detail ?? 'Not found.');
  if (response.status === 429) return new ApiError(429, 'Too many requests: please wait a moment and try again.');
  if (response.status >= 500) return new ApiError(response.status, 'Runnerly is having trouble right now. Please try again in a minute.');
  return new ApiError(response.status, detail ?? `Request failed (${response.status}).`, field);
}

export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const method = init.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`/bff/api${path}`, { method, headers, body: init.body === undefined ? undefined : JSON.stringify(init.body), credentials: 'same-origin' });
  if (!response.ok) throw await failure(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** Uploads files with progress (fetch cannot report upload progress; XMLHttpRequest can). */
export function upload<T>(path: string, files: File[], onProgress: (fraction: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const file of files) form.append('file', file, file.name);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/bff/api${path}`);
    xhr.setRequestHeader('x-csrf-token', csrfToken);
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.onprogress = (event) => event.lengthComputable && onProgress(event.loaded / event.total);
    xhr.onload = () => {
      const response = new Response(xhr.responseText, { status: xhr.status, headers: { 'content-type': xhr.getResponseHeader('content-type') ?? 'application/json' } });
      if (xhr.status >= 200 && xhr.status < 300) resolve(JSON.parse(xhr.responseText) as T);
      else void failure(response).then(reject);
    };
    xhr.onerror = () => reject(new ApiError(0, 'The upload failed: check your connection and try again.'));
    xhr.send(form);
  });
}

export async function fetchSession(): Promise<SessionInfo> {
  const response = await fetch('/bff/session', { credentials: 'same-origin' });
  if (!response.ok) throw await failure(response);
  const session = (await response.json()) as SessionInfo;
  if (session.csrf_token) setCsrfToken(session.csrf_token);
  return session;
}

export async function signOut(): Promise<void> {
  const response = await fetch('/auth/logout', { method: 'POST', headers: { 'x-csrf-token': csrfToken }, credentials: 'same-origin' });
  const body = (await response.json().catch(() => ({ redirect: '/' }))) as { redirect?: string };
  window.location.assign(body.redirect ?? '/');
}
