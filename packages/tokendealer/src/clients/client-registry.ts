import type { ClientStore } from '../storage/client-store.js';
import type { ClientRecord } from './client.js';

/**
 * Every client in memory, so that authenticating a client costs no database round trip.
 * Reloaded whenever the change revision moves (see change-watcher.ts).
 */
export class ClientRegistry {
  private clients = new Map<string, ClientRecord>();
  private origins = new Set<string>();

  constructor(private readonly store: ClientStore) {}

  async reload(): Promise<void> {
    const clients = await this.store.list();
    this.clients = new Map(clients.map((client) => [client.clientId, client]));
    this.origins = new Set(clients.flatMap((client) => client.allowedOrigins));
  }

  /** Whether any client registered this browser origin (CORS preflights do not say which client). */
  hasOrigin(origin: string): boolean {
    return this.origins.has(origin);
  }

  find(clientId: string): ClientRecord | undefined {
    return this.clients.get(clientId);
  }

  ids(): Set<string> {
    return new Set(this.clients.keys());
  }
}
