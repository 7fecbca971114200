import { Type } from '@sinclair/typebox';

export const Problem = Type.Object(
  { type: Type.String(), title: Type.String(), status: Type.Integer(), detail: Type.Optional(Type.String()) },
  { $id: 'Problem', description: 'RFC 9457 problem details' },
);

export const Client = Type.Object(
  {
    client_id: Type.String(),
    client_name: Type.String(),
    grant_types: Type.Array(Type.String()),
    scope: Type.String({ description: 'space-separated allowed scopes' }),
    audiences: Type.Array(Type.String(), { description: 'allowed audiences; the first is the default' }),
    token_endpoint_auth_method: Type.String(),
    jwks: Type.Optional(Type.Object({ keys: Type.Array(Type.Object({}, { additionalProperties: true })) })),
    jwks_uri: Type.Optional(Type.String()),
    redirect_uris: Type.Array(Type.String()),
    allowed_origins: Type.Array(Type.String()),
    resource_servers: Type.Array(Type.String(), { description: 'audiences this client serves: it may introspect tokens issued for them' }),
    require_pushed_authorization_requests: Type.Boolean(),
    rotate_refresh_tokens: Type.Boolean(),
    post_logout_redirect_uris: Type.Array(Type.String()),
    first_party: Type.Boolean(),
    id_token_signed_response_alg: Type.String(),
    created_at: Type.String({ format: 'date-time' }),
    updated_at: Type.String({ format: 'date-time' }),
  },
  { $id: 'Client' },
);

export const CreatedClient = Type.Composite([Type.Omit(Client, ['jwks']), Type.Object({
  jwks: Type.Optional(Type.Object({ keys: Type.Array(Type.Object({}, { additionalProperties: true })) })),
  client_secret: Type.Optional(Type.String({ description: 'shown once; only a keyed hash is stored' })),
})], { $id: 'CreatedClient' });

export const NewClient = Type.Object(
  {
    client_name: Type.String({ minLength: 1, maxLength: 200 }),
    grant_types: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 10 }),
    scope: Type.Optional(Type.String({ maxLength: 4096, description: 'space-separated allowed scopes' })),
    audiences: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 512 }), { maxItems: 20 })),
    token_endpoint_auth_method: Type.Optional(
      Type.Union([Type.Literal('client_secret_basic'), Type.Literal('client_secret_post'), Type.Literal('private_key_jwt'), Type.Literal('none')]),
    ),
    jwks: Type.Optional(Type.Object({ keys: Type.Array(Type.Object({}, { additionalProperties: true }), { minItems: 1, maxItems: 20 }) })),
    jwks_uri: Type.Optional(Type.String({ maxLength: 2048 })),
    redirect_uris: Type.Optional(Type.Array(Type.String({ maxLength: 2048 }), { maxItems: 20 })),
    allowed_origins: Type.Optional(Type.Array(Type.String({ maxLength: 512 }), { maxItems: 20 })),
    resource_servers: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 512 }), { maxItems: 20, description: 'audiences this client serves: it may introspect tokens issued for them' }),
    ),
    require_pushed_authorization_requests: Type.Optional(Type.Boolean()),
    rotate_refresh_tokens: Type.Optional(Type.Boolean()),
    post_logout_redirect_uris: Type.Optional(Type.Array(Type.String({ maxLength: 2048 }), { maxItems: 20, description: 'exact URIs the end-session endpoint may redirect to' })),
    first_party: Type.Optional(Type.Boolean({ description: 'no consent page for this client (the consent is still recorded)' })),
    id_token_signed_response_alg: Type.Optional(Type.Union([Type.Literal('RS256'), Type.Literal('ES256')])),
  },
  { additionalProperties: false },
);

export const ClientSecret = Type.Object({ client_id: Type.String(), client_secret: Type.String() });

export const Key = Type.Object(
  {
    kid: Type.String(),
    alg: Type.String(),
    state: Type.Union([Type.Literal('next'), Type.Literal('active'), Type.Literal('retired')]),
    published: Type.Boolean(),
    created_at: Type.String({ format: 'date-time' }),
    activated_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    retired_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  { $id: 'Key' },
);

export const Rotation = Type.Object(
  { activated: Type.Array(Type.String()), retired: Type.Array(Type.String()), next: Type.Array(Type.String()) },
  { description: 'the kids of every algorithm rotated (access tokens and ID tokens)' },
);

export const ClientIdParams = Type.Object({ clientId: Type.String({ minLength: 1, maxLength: 128 }) });

export const RotateQuery = Type.Object({ force: Type.Optional(Type.Boolean({ default: false })) }, { additionalProperties: false });
