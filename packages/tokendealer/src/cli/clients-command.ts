import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { ClientService } from '../clients/client-service.js';
import { ID_TOKEN_ALGORITHMS } from '../keys/algorithms.js';
import { openInstallation } from '../tokendealer.js';
import { addConfigOptions, configFrom, STORAGE_OPTIONS } from './options.js';
import { CliError, printJson } from './output.js';

async function withClients<T>(flags: Record<string, unknown>, run: (clients: ClientService) => Promise<T>): Promise<T> {
  const { storage, hasher } = await openInstallation(configFrom(flags));
  try {
    return await run(new ClientService(storage.clients, hasher));
  } finally {
    await storage.close();
  }
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
const splitList = (value: string): string[] => value.split(/[\s,]+/).filter(Boolean);

export function clientsCommand(): Command {
  const clients = new Command('clients').description('register and manage OAuth clients');

  addConfigOptions(
    clients
      .command('create')
      .description('register a client and print it as JSON (the secret is shown only here)')
      .requiredOption('--name <name>', 'human-readable client name')
      .requiredOption('--grant-types <list>', 'comma-separated grant types, e.g. client_credentials ("" for a client that only introspects)')
      .option('--scope <scopes>', 'space-separated scopes the client may request', '')
      .option('--audience <audience>', 'audience the client may request (repeatable; the first is the default)', collect)
      .addOption(new Option('--auth-method <method>', 'client authentication method').choices(['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none']).default('client_secret_basic'))
      .option('--jwks-uri <url>', 'URL of the client public keys (private_key_jwt)')
      .option('--jwks <file>', 'file holding the client public JWK Set (private_key_jwt)')
      .option('--redirect-uri <uri>', 'exact redirect URI for authorization_code (repeatable)', collect)
      .option('--public', 'a public client (single-page or native app): no secret, PKCE required; same as --auth-method none')
      .option('--require-par', 'accept authorization requests only as pushed authorization requests (RFC 9126)')
      .option('--allowed-origin <origin>', 'browser origin allowed to call the token and revocation endpoints (repeatable; public clients default to their redirect URIs\' origins)', collect)
      .option('--resource-server <audience>', 'audience this client serves as a resource server: it may introspect tokens issued for it (repeatable)', collect)
      .option('--no-refresh-rotation', 'keep a confidential client\'s refresh token on use instead of rotating it')
      .option('--post-logout-redirect-uri <uri>', 'exact URI the OpenID Connect end-session endpoint may send users back to (repeatable)', collect)
      .option('--first-party', 'the installation\'s own app (such as the dashboard): signs users in without a consent page (the consent is still recorded)')
      .addOption(new Option('--id-token-alg <alg>', 'algorithm of the client\'s OpenID Connect ID tokens (id_token_signed_response_alg)').choices([...ID_TOKEN_ALGORITHMS]).default('RS256')),
    STORAGE_OPTIONS,
  ).action(async (flags: Record<string, string | string[] | boolean | undefined>) => {
    let jwks: unknown;
    if (typeof flags.jwks === 'string') {
      try {
        jwks = JSON.parse(readFileSync(flags.jwks, 'utf8'));
      } catch (error) {
        throw new CliError(`cannot read JWK Set from ${flags.jwks}: ${(error as Error).message}`);
      }
    }
    const created = await withClients(flags, (service) =>
      service.create({
        name: flags.name as string,
        grantTypes: splitList(flags.grantTypes as string),
        scopes: splitList((flags.scope as string | undefined) ?? ''),
        audiences: (flags.audience as string[] | undefined) ?? [],
        authMethod: flags.public === true ? 'none' : (flags.authMethod as string),
        ...(Array.isArray(flags.redirectUri) ? { redirectUris: flags.redirectUri } : {}),
        ...(Array.isArray(flags.allowedOrigin) ? { allowedOrigins: flags.allowedOrigin } : {}),
        ...(Array.isArray(flags.resourceServer) ? { resourceServers: flags.resourceServer } : {}),
        requirePar: flags.requirePar === true,
        rotateRefreshTokens: (flags.refreshRotation as unknown) !== false,
        ...(Array.isArray(flags.postLogoutRedirectUri) ? { postLogoutRedirectUris: flags.postLogoutRedirectUri } : {}),
        firstParty: flags.firstParty === true,
        idTokenSignedResponseAlg: flags.idTokenAlg as string,
        ...(jwks === undefined ? {} : { jwks }),
        ...(typeof flags.jwksUri === 'string' ? { jwksUri: flags.jwksUri } : {}),
      }),
    );
    printJson(created);
  });

  addConfigOptions(clients.command('list').description('list clients as JSON'), STORAGE_OPTIONS).action(async (flags: Record<string, unknown>) => {
    printJson(await withClients(flags, (service) => service.list()));
  });

  addConfigOptions(clients.command('show').argument('<client-id>').description('show one client as JSON'), STORAGE_OPTIONS).action(
    async (clientId: string, flags: Record<string, unknown>) => {
      const client = await withClients(flags, (service) => service.get(clientId));
      if (!client) throw new CliError(`no client ${clientId}`);
      printJson(client);
    },
  );

  addConfigOptions(clients.command('delete').argument('<client-id>').description('delete a client'), STORAGE_OPTIONS).action(
    async (clientId: string, flags: Record<string, unknown>) => {
      if (!(await withClients(flags, (service) => service.delete(clientId)))) throw new CliError(`no client ${clientId}`);
      printJson({ client_id: clientId, deleted: true });
    },
  );

  addConfigOptions(
    clients.command('rotate-secret').argument('<client-id>').description('replace the client secret and print the new one'),
    STORAGE_OPTIONS,
  ).action(async (clientId: string, flags: Record<string, unknown>) => {
    const rotated = await withClients(flags, (service) => service.rotateSecret(clientId));
    if (!rotated) throw new CliError(`no client ${clientId}`);
    printJson(rotated);
  });

  return clients;
}
