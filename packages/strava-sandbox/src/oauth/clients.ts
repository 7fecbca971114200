import { createHash, timingSafeEqual } from 'node:crypto';

/** An API application registered with the sandbox. */
export interface SandboxClient {
  /** Numeric, like Strava's (for example '1000'). */
  clientId: string;
  clientSecret: string;
  /** Authorization Callback Domains: redirect URIs and webhook callbacks must be on one of these or a subdomain. */
  redirectDomains?: string[];
  /** Shown on the authorize page. */
  name?: string;
}

export interface RegisteredClient {
  clientId: string;
  clientSecret: string;
  redirectDomains: string[];
  name: string;
}

export const DEFAULT_REDIRECT_DOMAINS = ['127.0.0.1', 'localhost'];

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

export class ClientRegistry {
  private readonly clients = new Map<string, RegisteredClient>();

  constructor(clients: SandboxClient[]) {
    for (const client of clients) {
      if (!/^\d{1,12}$/.test(client.clientId)) throw new RangeError(`client id ${JSON.stringify(client.clientId)} must be numeric, like Strava's`);
      if (client.clientSecret.length === 0) throw new RangeError(`client ${client.clientId} needs a secret`);
      if (this.clients.has(client.clientId)) throw new RangeError(`client ${client.clientId} is listed twice`);
      this.clients.set(client.clientId, {
        clientId: client.clientId,
        clientSecret: client.clientSecret,
        redirectDomains: (client.redirectDomains ?? DEFAULT_REDIRECT_DOMAINS).map((domain) => domain.toLowerCase()),
        name: client.name ?? `Sandbox application ${client.clientId}`,
      });
    }
  }

  get(clientId: string | undefined): RegisteredClient | undefined {
    return clientId === undefined ? undefined : this.clients.get(clientId);
  }

  list(): RegisteredClient[] {
    return [...this.clients.values()];
  }

  /** Constant-time secret check (digests first, so lengths do not leak either). */
  secretMatches(client: RegisteredClient, secret: string | undefined): boolean {
    return secret !== undefined && timingSafeEqual(digest(client.clientSecret), digest(secret));
  }
}

/**
 * Strava accepts a redirect URI (and a webhook callback) whose host is the application's
 * Authorization Callback Domain or a subdomain of it; the scheme may be http or https.
 */
export function isOnCallbackDomain(client: RegisteredClient, uri: string | undefined): boolean {
  if (uri === undefined) return false;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (url.username !== '' || url.password !== '') return false;
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return client.redirectDomains.some((domain) => {
    const bare = domain.replace(/^\[|\]$/g, '');
    return host === bare || host.endsWith(`.${bare}`);
  });
}
