import type { ClientStore } from '../storage/client-store.js';
import type { ClientRecord } from './client.js';

/**
 * Every client in memory, so that authenticating a client costs no database round trip.
 * Reloaded whenever the change revision moves (see change-watcher.ts).
 */
export class ClientRegistry {
  private clients = new Map<string, ClientRecord>();

  constructor(private readonly store: ClientStore) {}

  async reload(): Promise<void> {
    const clients = await this.store.list();
    this.clients = new Map(clients.map((client) => [client.clientId, client]));
  }

  find(clientId: string): ClientRecord | undefined {
    return this.clients.get(clientId);
  }

  ids(): Set<string> {
    return new Set(this.clients.keys());
  }
}
