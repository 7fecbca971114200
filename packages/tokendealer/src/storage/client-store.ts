import type { Kysely } from 'kysely';
import type { Database, ClientsTable } from './schema.js';
import { bumpRevision } from './change-feed.js';
import type { ClientRecord } from '../clients/client.js';

function toRecord(row: ClientsTable): ClientRecord {
  return {
    clientId: row.client_id,
    name: row.name,
    grantTypes: JSON.parse(row.grant_types) as string[],
    scopes: JSON.parse(row.scopes) as string[],
    audiences: JSON.parse(row.audiences) as string[],
    authMethod: row.auth_method as ClientRecord['authMethod'],
    secretHash: row.secret_hash,
    jwks: row.jwks === null ? null : (JSON.parse(row.jwks) as ClientRecord['jwks']),
    jwksUri: row.jwks_uri,
    redirectUris: JSON.parse(row.redirect_uris) as string[],
    allowedOrigins: JSON.parse(row.allowed_origins) as string[],
    resourceServers: JSON.parse(row.resource_servers) as string[],
    requirePar: Number(row.require_par) === 1,
    rotateRefreshTokens: Number(row.rotate_refresh_tokens) === 1,
    postLogoutRedirectUris: JSON.parse(row.post_logout_redirect_uris) as string[],
    firstParty: Number(row.first_party) === 1,
    idTokenSignedResponseAlg: (row.id_token_signed_response_alg ?? 'RS256') as ClientRecord['idTokenSignedResponseAlg'],
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function toRow(client: ClientRecord): ClientsTable {
  return {
    client_id: client.clientId,
    name: client.name,
    grant_types: JSON.stringify(client.grantTypes),
    scopes: JSON.stringify(client.scopes),
    audiences: JSON.stringify(client.audiences),
    auth_method: client.authMethod,
    secret_hash: client.secretHash,
    jwks: client.jwks === null ? null : JSON.stringify(client.jwks),
    jwks_uri: client.jwksUri,
    redirect_uris: JSON.stringify(client.redirectUris),
    allowed_origins: JSON.stringify(client.allowedOrigins),
    resource_servers: JSON.stringify(client.resourceServers),
    require_par: client.requirePar ? 1 : 0,
    rotate_refresh_tokens: client.rotateRefreshTokens ? 1 : 0,
    post_logout_redirect_uris: JSON.stringify(client.postLogoutRedirectUris),
    first_party: client.firstParty ? 1 : 0,
    id_token_signed_response_alg: client.idTokenSignedResponseAlg,
    created_at: client.createdAt,
    updated_at: client.updatedAt,
  };
}

export class ClientStore {
  constructor(private readonly db: Kysely<Database>) {}

  async list(): Promise<ClientRecord[]> {
    const rows = await this.db.selectFrom('clients').selectAll().orderBy('created_at').orderBy('client_id').execute();
    return rows.map(toRecord);
  }

  async get(clientId: string): Promise<ClientRecord | undefined> {
    const row = await this.db.selectFrom('clients').selectAll().where('client_id', '=', clientId).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  async insert(client: ClientRecord): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('clients').values(toRow(client)).execute();
      await bumpRevision(trx);
    });
  }

  async delete(clientId: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const result = await trx.deleteFrom('clients').where('client_id', '=', clientId).executeTakeFirst();
      await bumpRevision(trx);
      return Number(result.numDeletedRows) > 0;
    });
  }

  async setSecretHash(clientId: string, secretHash: string, now: number): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable('clients')
        .set({ secret_hash: secretHash, updated_at: now })
        .where('client_id', '=', clientId)
        .executeTakeFirst();
      await bumpRevision(trx);
      return Number(result.numUpdatedRows) > 0;
    });
  }
}
