// A browser-like HTTP client for the HTML pages: a cookie jar, no automatic redirects, and the
// CSRF token read from the last form it was shown.

export interface PageResponse {
  status: number;
  headers: Headers;
  body: string;
  /** The raw Set-Cookie values of this response. */
  setCookies: string[];
}

export class WebClient {
  readonly cookies = new Map<string, string>();
  csrfToken: string | undefined;

  constructor(
    readonly baseUrl: string,
    private readonly defaultHeaders: Record<string, string> = {},
  ) {}

  private cookieHeader(): Record<string, string> {
    return this.cookies.size === 0 ? {} : { cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ') };
  }

  private async receive(response: Response): Promise<PageResponse> {
    const setCookies = response.headers.getSetCookie();
    for (const line of setCookies) {
      const [pair = ''] = line.split(';');
      const separator = pair.indexOf('=');
      const name = pair.slice(0, separator);
      const value = pair.slice(separator + 1);
      if (/Max-Age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const body = await response.text();
    const token = /name="csrf_token" value="([^"]+)"/.exec(body);
    if (token) this.csrfToken = token[1];
    return { status: response.status, headers: response.headers, body, setCookies };
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<PageResponse> {
    return this.receive(await fetch(this.baseUrl + path, { redirect: 'manual', headers: { ...this.defaultHeaders, ...this.cookieHeader(), ...headers } }));
  }

  /** The form the fields make, with the CSRF token of the last page unless the fields set csrf_token (null leaves it out). */
  form(fields: Record<string, string | null>): string {
    const params = new URLSearchParams();
    const all: Record<string, string | null> = { csrf_token: this.csrfToken ?? null, ...fields };
    for (const [name, value] of Object.entries(all)) if (value !== null) params.append(name, value);
    return params.toString();
  }

  /** Posts the form of the fields; a string or bytes (a compressed form, say) is sent as it is. */
  async post(path: string, fields: Record<string, string | null> | string | Uint8Array, headers: Record<string, string> = {}): Promise<PageResponse> {
    const body = typeof fields === 'string' || fields instanceof Uint8Array ? fields : this.form(fields);
    return this.receive(
      await fetch(this.baseUrl + path, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...this.defaultHeaders, ...this.cookieHeader(), ...headers },
        body,
      }),
    );
  }
}

/** The token of a mailed link. */
export function tokenOf(link: string): string {
  const token = new URL(link).searchParams.get('token');
  if (!token) throw new Error(`no token in ${link}`);
  return token;
}
