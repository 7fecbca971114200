import type { ClientStore } from '../storage/client-store.js';
import type { ClientRecord } from './client.js';
import { isWellFormedClientId } from './client-id.js';

/** How long the database's "no such client" is believed before asking again. */
const ABSENT_TTL_MS = 1000;
/** Bounds the memory of remembered absences (made-up ids are free to send). */
const MAX_REMEMBERED_ABSENT = 10_000;

/**
 * Every client in memory, so that authenticating a client costs no database round trip.
 * Reloaded whenever the change revision moves (TokenDealer polls it). A client created since the
 * last reload (by the CLI, the admin API of another instance) is found by `lookUp`, which asks the
 * database once for an id it does not know.
 */
export class ClientRegistry {
  private clients = new Map<string, ClientRecord>();
  private origins = new Set<string>();
  /** Ids the database did not know, and until when that is believed. */
  private readonly absent = new Map<string, number>();
  /** Lookups under way, so that concurrent requests for one id ask once. */
  private readonly lookingUp = new Map<string, Promise<ClientRecord | undefined>>();

  constructor(private readonly store: ClientStore) {}

  async reload(): Promise<void> {
    const clients = await this.store.list();
    this.clients = new Map(clients.map((client) => [client.clientId, client]));
    this.origins = new Set(clients.flatMap((client) => client.allowedOrigins));
    this.absent.clear();
  }

  /** Whether any client registered this browser origin (CORS preflights do not say which client). */
  hasOrigin(origin: string): boolean {
    return this.origins.has(origin);
  }

  find(clientId: string): ClientRecord | undefined {
    return this.clients.get(clientId);
  }

  /**
   * The client, from memory or else from the database: only for well-formed ids, and a "no" is
   * remembered for a second, so that made-up ids cost at most one query per id and second.
   */
  async lookUp(clientId: string, now = Date.now()): Promise<ClientRecord | undefined> {
    const known = this.clients.get(clientId);
    if (known || !isWellFormedClientId(clientId)) return known;
    const absentUntil = this.absent.get(clientId);
    if (absentUntil !== undefined) {
      if (absentUntil > now) return undefined;
      this.absent.delete(clientId);
    }
    let lookup = this.lookingUp.get(clientId);
    if (!lookup) {
      lookup = this.fetch(clientId, now).finally(() => this.lookingUp.delete(clientId));
      this.lookingUp.set(clientId, lookup);
    }
    return lookup;
  }

  private async fetch(clientId: string, now: number): Promise<ClientRecord | undefined> {
    const client = await this.store.get(clientId);
    if (client) {
      // Kept until the next reload, which lists it anyway.
      this.clients.set(clientId, client);
      for (const origin of client.allowedOrigins) this.origins.add(origin);
      return client;
    }
    if (this.absent.size >= MAX_REMEMBERED_ABSENT) {
      // Map keeps insertion order: the first entry is the oldest.
      const oldest = this.absent.keys().next();
      if (!oldest.done) this.absent.delete(oldest.value);
    }
    this.absent.set(clientId, now + ABSENT_TTL_MS);
    return undefined;
  }

  ids(): Set<string> {
    return new Set(this.clients.keys());
  }
}
