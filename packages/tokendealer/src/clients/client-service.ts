import type { ClientStore } from '../storage/client-store.js';
import type { SecretHasher } from '../crypto/secret-hasher.js';
import { randomIdentifier, randomToken } from '../crypto/random.js';
import { viewClient, type ClientRecord, type ClientView } from './client.js';
import { ClientValidationError, validateNewClient, type NewClient } from './client-validation.js';

export interface CreatedClient extends ClientView {
  /** Shown once; only its keyed hash is stored. */
  client_secret?: string;
}

const usesSecret = (client: Pick<ClientRecord, 'authMethod'>): boolean => client.authMethod !== 'private_key_jwt' && client.authMethod !== 'none';

/** Client management shared by the CLI and the admin API. */
export class ClientService {
  constructor(
    private readonly store: ClientStore,
    private readonly hasher: SecretHasher,
  ) {}

  async create(input: NewClient, now = Math.floor(Date.now() / 1000)): Promise<CreatedClient> {
    const valid = validateNewClient(input);
    // 256-bit secret; 128-bit id.
    const secret = usesSecret(valid) ? randomToken(32) : undefined;
    const client: ClientRecord = {
      clientId: randomIdentifier(16),
      ...valid,
      secretHash: secret === undefined ? null : this.hasher.hash(secret),
      createdAt: now,
      updatedAt: now,
    };
    await this.store.insert(client);
    return { ...viewClient(client), ...(secret === undefined ? {} : { client_secret: secret }) };
  }

  async list(): Promise<ClientView[]> {
    return (await this.store.list()).map(viewClient);
  }

  async get(clientId: string): Promise<ClientView | undefined> {
    const client = await this.store.get(clientId);
    return client ? viewClient(client) : undefined;
  }

  async delete(clientId: string): Promise<boolean> {
    return this.store.delete(clientId);
  }

  /** A new secret replaces the old one at once; undefined when the client is unknown. */
  async rotateSecret(clientId: string, now = Math.floor(Date.now() / 1000)): Promise<{ client_id: string; client_secret: string } | undefined> {
    const client = await this.store.get(clientId);
    if (!client) return undefined;
    if (!usesSecret(client)) throw new ClientValidationError(`client ${clientId} authenticates with ${client.authMethod} and has no secret`);
    const secret = randomToken(32);
    if (!(await this.store.setSecretHash(clientId, this.hasher.hash(secret), now))) return undefined;
    return { client_id: clientId, client_secret: secret };
  }
}
