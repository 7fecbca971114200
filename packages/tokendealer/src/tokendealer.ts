// The authorization server's state and services, independent of HTTP: storage, clients, keys,
// client authentication. The HTTP apps (http/public-app.ts, admin/admin-app.ts) sit on top.
import type { Logger } from 'pino';
import { ConfigError, type TokenDealerConfig } from './config/options.js';
import { openStorage, type Storage } from './storage/index.js';
import { waitingForSchemaLine, type SchemaWaitOptions } from './storage/database.js';
import { SecretHasher } from './crypto/secret-hasher.js';
import { KeyEncryption, masterSecretFingerprint } from './crypto/key-encryption.js';
import { randomToken } from './crypto/random.js';
import { ClientRegistry } from './clients/client-registry.js';
import { ClientService } from './clients/client-service.js';
import type { ClientRecord } from './clients/client.js';
import { isWellFormedClientId } from './clients/client-id.js';
import { KeyRing } from './keys/key-ring.js';
import { keyAlgorithms, type KeyPairGenerator } from './keys/algorithms.js';
import { ensureSigningKeys, rotateSigningKeys } from './keys/key-rotation.js';
import { FailureLimiter } from './throttle/failure-limiter.js';
import { SharedFailures } from './throttle/shared-failures.js';
import { installationKeyHasher, type ThrottleKeyHasher } from './throttle/throttle-key-hasher.js';
import { throttleKey, throttleSubject, type ThrottleKey } from './throttle/throttle-key.js';
import { AssertionVerifier } from './oauth/client-auth/assertion-verifier.js';
import { CLIENT_AUTHENTICATION_FAILED, methodAllowed, presentedCredentials, verifyCredentials } from './oauth/client-auth/authenticate-client.js';
import { readClientSecretBasic } from './oauth/client-auth/client-secret-basic.js';
import type { FormParameters } from './oauth/parameters.js';
import type { ClientAuthRequest, ClientAuthServices } from './oauth/client-auth/context.js';
import { InvalidClient, TooManyAttempts } from './oauth/errors.js';
import { Metrics } from './http/metrics.js';
import { addressGroup } from './throttle/address-group.js';
import { deriveKey } from './crypto/derive-key.js';
import { AccountService } from './accounts/account-service.js';
import { PasswordHasher, type ScryptParameters } from './accounts/password-hasher.js';
import { LinkTokens } from './accounts/link-tokens.js';
import { SignInThrottle } from './accounts/sign-in-throttle.js';
import { SessionService } from './sessions/session-service.js';
import { CsrfTokens } from './sessions/csrf.js';
import type { Mailer } from '@runnerly/mail';
import { createMailer } from './mail/create-mailer.js';
import { MailQueue } from './mail/mail-queue.js';
import { MailOutbox } from './mail/mail-outbox.js';
import { MailCourier, type MailCourierOptions } from './mail/mail-courier.js';
import { MailRequestThrottle } from './accounts/mail-request-throttle.js';
import type { UserRecord } from './accounts/user.js';
import { Sweeper } from '@runnerly/sweeper';
import { expiredRowTasks } from './storage/expired-row-tasks.js';

/** What tests may replace; production uses the defaults. */
export interface TokenDealerOverrides {
  /** Cheaper scrypt parameters, so that test suites do not spend half a second per password. */
  scrypt?: ScryptParameters;
  /** Another mail transport (a test's, that fails or stalls). */
  mailer?: Mailer;
  /** Shorter retry delays and polling, so that a test sees retries in a fraction of a second. */
  mailCourier?: Partial<MailCourierOptions>;
  /**
   * Pages answer only once the mail they enqueued is out (or, when the transport failed, waiting
   * for its next attempt), so that a test can read the outbox as soon as a page has answered.
   * Production pages never wait for mail (see MailQueue).
   */
  settleMailBeforeReply?: boolean;
  /** Key pairs from a fixed set, so that test servers do not spend seconds generating RSA keys. */
  generateKeyPair?: KeyPairGenerator;
}

/** An address may fail this many times the per-client limit, so one bad client does not lock out its neighbours. */
const ADDRESS_LIMIT_FACTOR = 5;

export const ENDPOINT_PATHS = {
  authorization: '/oauth/authorize',
  pushedAuthorization: '/oauth/par',
  token: '/oauth/token',
  introspection: '/oauth/introspect',
  revocation: '/oauth/revoke',
  userinfo: '/oauth/userinfo',
  endSession: '/oauth/logout',
  jwks: '/.well-known/jwks.json',
} as const;

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/**
 * Opens the storage and the installation secrets shared by the server and the CLI. Only the server
 * passes `schemaWait` (config.schemaWaitMs): a CLI command refuses an out-of-date schema at once.
 */
export async function openInstallation(config: TokenDealerConfig, schemaWait: SchemaWaitOptions = {}): Promise<{ storage: Storage; hasher: SecretHasher; encryption: KeyEncryption }> {
  const storage = await openStorage(config.db, { apply: config.migrateOnStart, ...schemaWait });
  try {
    // Every process on one database must use the installation's master secret: with another one,
    // the CLI would hash secrets no server accepts and store keys the server cannot open.
    const fingerprint = masterSecretFingerprint(config.masterSecret);
    if ((await storage.settings.getOrCreate('master_secret_fingerprint', () => fingerprint)) !== fingerprint) {
      throw new ConfigError('the master secret (TOKENDEALER_MASTER_SECRET) differs from the one this database was set up with');
    }
    const pepper = await storage.settings.getOrCreate('client_secret_pepper', () => randomToken(32));
    return { storage, hasher: new SecretHasher(pepper, config.masterSecret), encryption: new KeyEncryption(config.masterSecret) };
  } catch (error) {
    await storage.close();
    throw error;
  }
}

export class TokenDealer {
  readonly metrics = new Metrics();
  readonly clients: ClientService;
  readonly accounts: AccountService;
  readonly sessions: SessionService;
  readonly mailer: Mailer;
  readonly mailCourier: MailCourier;
  readonly mailQueue: MailQueue;
  readonly settleMailBeforeReply: boolean;
  private readonly generateKeyPair: KeyPairGenerator | undefined;
  private readonly signInThrottle: SignInThrottle;
  private readonly mailThrottle: MailRequestThrottle;
  private readonly registry: ClientRegistry;
  /** The failure counts of all instances on the database, behind every limiter below. */
  private readonly sharedFailures: SharedFailures;
  private readonly limiter: FailureLimiter;
  private keyRingValue: KeyRing | undefined;
  private issuerValue: string | undefined;
  private assertionVerifier: AssertionVerifier | undefined;
  private revision = -1;
  private timers: NodeJS.Timeout[] = [];
  /** Deletes expired rows in batches; housekeeping() runs it. */
  private readonly sweeper: Sweeper;
  private syncing: Promise<void> | undefined;
  private pendingSync: Promise<void> | undefined;

  private constructor(
    readonly config: TokenDealerConfig,
    readonly storage: Storage,
    readonly hasher: SecretHasher,
    readonly encryption: KeyEncryption,
    readonly logger: Logger,
    /** Keys the CSRF tokens of the HTML forms. */
    readonly csrf: CsrfTokens,
    /** Keys the hashes of throttle keys in the shared failure counts. */
    failureKeyHasher: ThrottleKeyHasher,
    overrides: TokenDealerOverrides,
  ) {
    this.registry = new ClientRegistry(storage.clients);
    this.clients = new ClientService(storage.clients, hasher);
    this.sharedFailures = new SharedFailures(storage.failureCounts, failureKeyHasher, logger, this.metrics);
    this.limiter = new FailureLimiter(
      config.authFailureWindow * 1000,
      { 'client-auth:client-address': config.authFailureLimit, 'client-auth:address': config.authFailureLimit * ADDRESS_LIMIT_FACTOR },
      this.sharedFailures,
    );
    this.mailer = overrides.mailer ?? createMailer(config);
    this.mailCourier = new MailCourier(new MailOutbox(storage.mailOutbox, config.masterSecret), this.mailer, this.metrics, logger, overrides.mailCourier);
    this.mailQueue = new MailQueue(this.mailCourier, logger);
    this.settleMailBeforeReply = overrides.settleMailBeforeReply ?? false;
    this.generateKeyPair = overrides.generateKeyPair;
    this.signInThrottle = new SignInThrottle(config.signInFailureLimit, config.signInFailureWindow, this.sharedFailures);
    this.mailThrottle = new MailRequestThrottle(this.sharedFailures);
    this.accounts = new AccountService({
      users: storage.users,
      linkTokens: new LinkTokens(storage.linkTokens),
      hasher: new PasswordHasher(overrides.scrypt),
      mailQueue: this.mailQueue,
      throttle: this.signInThrottle,
      mailThrottle: this.mailThrottle,
      issuer: () => this.issuer,
      logger,
    });
    this.sessions = new SessionService(storage.sessions, { absolute: config.sessionLifetime, idle: config.sessionIdleTimeout });
    this.sweeper = new Sweeper({
      tasks: expiredRowTasks(storage, this.sessions, config.accessTokenTtl),
      intervalMs: config.sweepIntervalMs,
      logger,
      onDeleted: (table, rows) => this.metrics.sweptRows.add(rows, table),
    });
  }

  /** Runs migrations, creates signing keys if none exist, loads clients and keys, and starts watching for changes. */
  static async open(config: TokenDealerConfig, logger: Logger, overrides: TokenDealerOverrides = {}): Promise<TokenDealer> {
    const { storage, hasher, encryption } = await openInstallation(config, {
      waitMs: config.schemaWaitMs,
      onWaiting: (pending) => logger.info({ pending, waitMs: config.schemaWaitMs }, waitingForSchemaLine(pending, config.schemaWaitMs)),
    });
    let tokenDealer: TokenDealer;
    try {
      const formKey = await storage.settings.getOrCreate('web_form_key', () => randomToken(32));
      const csrf = new CsrfTokens(deriveKey(config.masterSecret ? `${formKey}:${config.masterSecret}` : formKey, 'csrf-token'));
      const failureKeyHasher = await installationKeyHasher(storage.settings, config.masterSecret);
      tokenDealer = new TokenDealer(config, storage, hasher, encryption, logger, csrf, failureKeyHasher, overrides);
    } catch (error) {
      await storage.close();
      throw error;
    }
    try {
      if (!encryption.enabled) logger.warn('no master secret configured: signing keys and queued mail are stored unencrypted');
      if (await ensureSigningKeys(storage.keys, encryption, keyAlgorithms(config.signingAlg), nowSeconds(), overrides.generateKeyPair)) {
        logger.info({ algs: keyAlgorithms(config.signingAlg) }, 'created signing keys');
      }
      await tokenDealer.sync();
      // A restarted instance refuses what is blocked before it serves anything.
      await tokenDealer.sharedFailures.poll();
    } catch (error) {
      await storage.close();
      throw error;
    }
    logger.info({ mail: tokenDealer.mailer.description }, 'account mail goes to the configured transport');
    tokenDealer.timers.push(
      setInterval(() => {
        void tokenDealer.sync().catch((error: unknown) => logger.error({ err: error }, 'reloading clients and keys failed'));
        // Keys that other instances blocked; poll() logs its own failures.
        void tokenDealer.sharedFailures.poll();
      }, config.changePollMs),
      setInterval(() => void tokenDealer.housekeeping().catch((error: unknown) => logger.error({ err: error }, 'housekeeping failed')), config.sweepIntervalMs),
    );
    for (const timer of tokenDealer.timers) timer.unref();
    // Mail that earlier runs or other instances left goes out now.
    tokenDealer.mailCourier.start();
    return tokenDealer;
  }

  /** Set once the listening address is known (the issuer defaults to it). */
  setIssuer(issuer: string): void {
    this.issuerValue = issuer;
    this.assertionVerifier = new AssertionVerifier([issuer, this.endpoint('token')], this.storage.assertions);
  }

  get issuer(): string {
    if (this.issuerValue === undefined) throw new Error('issuer not set');
    return this.issuerValue;
  }

  endpoint(name: keyof typeof ENDPOINT_PATHS): string {
    return this.issuer + ENDPOINT_PATHS[name];
  }

  get keyRing(): KeyRing {
    if (!this.keyRingValue) throw new Error('keys not loaded');
    return this.keyRingValue;
  }

  /**
   * Reloads clients and keys when another process (the CLI, the admin API, another instance)
   * changed them. A call during a reload waits for it and then reloads again, so that a change
   * committed before the call is always seen when it returns.
   */
  async sync(force = false): Promise<void> {
    if (this.syncing) {
      this.pendingSync ??= this.syncing.catch(() => {}).then(() => {
        this.pendingSync = undefined;
        return this.sync(force);
      });
      return this.pendingSync;
    }
    this.syncing = this.reload(force).finally(() => {
      this.syncing = undefined;
    });
    return this.syncing;
  }

  private async reload(force: boolean): Promise<void> {
    const revision = await this.storage.readRevision();
    if (!force && revision === this.revision) return;
    await this.registry.reload();
    this.keyRingValue = KeyRing.load(await this.storage.keys.list(), this.encryption, this.config.signingAlg, nowSeconds(), this.config.accessTokenTtl);
    this.assertionVerifier?.retain(this.registry.ids());
    this.revision = revision;
  }

  async rotateKeys(options: { force?: boolean } = {}): Promise<ReturnType<typeof rotateSigningKeys>> {
    const result = await rotateSigningKeys(this.storage.keys, this.encryption, nowSeconds(), { ...options, ...(this.generateKeyPair ? { generate: this.generateKeyPair } : {}) });
    await this.syncAfterWrite();
    return result;
  }

  /** After a committed change: reload at once, but a failed reload must not turn the change into an error (the poll retries). */
  async syncAfterWrite(): Promise<void> {
    try {
      await this.sync();
    } catch (error) {
      this.logger.error({ err: error }, 'reloading clients and keys failed');
    }
  }

  /** Deletes what expired (see expired-row-tasks.ts) and forgets in-memory throttle state that ended. */
  async housekeeping(now = nowSeconds()): Promise<void> {
    await this.sweeper.run(now * 1000);
    this.limiter.sweep();
    this.signInThrottle.sweep();
    this.mailThrottle.sweep();
    this.sharedFailures.sweep();
    // Retired keys also leave the JWKS by time alone.
    await this.sync(true);
  }

  /**
   * Client authentication for the token, PAR, introspection and revocation endpoints. Failures
   * are counted per client id and address (every well-formed id, registered or not, so that the
   * throttling tells nobody which ids exist) and per address, by all instances together. Past the
   * limit, failing attempts get 429, but the credentials are still checked, and correct ones pass:
   * nobody can lock a client out by failing in its name. That costs what an attempt below the
   * limit costs: an HMAC for a secret, one signature check against the client's registered keys
   * for an assertion (whose size the body limit bounds; a remote key set is fetched again at most
   * every 30 seconds). Every failure answers the same, whatever its reason (logged). A known
   * client's success only looks in memory; an id not in memory is looked up in the database (see
   * ClientRegistry.lookUp), so that a client works as soon as it exists.
   */
  async authenticateClient(request: ClientAuthRequest): Promise<ClientRecord> {
    const address = addressGroup(request.ip);
    const addressKey = throttleKey('client-auth:address', null, address);
    const addressBlockedMs = this.limiter.blockedFor(addressKey);
    let blockedMs = addressBlockedMs;
    let clientKey: ThrottleKey | undefined;
    let clientId: string | undefined;
    try {
      const credentials = presentedCredentials(request);
      clientId = credentials.clientId;
      if (isWellFormedClientId(clientId)) {
        clientKey = throttleKey('client-auth:client-address', throttleSubject.client(clientId), address);
        blockedMs = Math.max(blockedMs, this.limiter.blockedFor(clientKey));
      }
      // A client created since the last poll is looked up in the database, unless this address is
      // blocked (its failures already cost a query each): that bounds what made-up ids cost.
      const client = addressBlockedMs > 0 ? this.registry.find(clientId) : await this.registry.lookUp(clientId);
      return await verifyCredentials(credentials, client, this.authServices);
    } catch (error) {
      if (!(error instanceof InvalidClient)) throw error;
      // While the address is blocked, every failure from it gets 429 anyway: only the address
      // counts then, so that a stream of made-up ids costs no memory.
      if (clientKey && addressBlockedMs === 0) this.limiter.recordFailure(clientKey);
      this.limiter.recordFailure(addressKey);
      this.logger.info({ client_id: clientId?.slice(0, 64), ip: request.ip, reason: error.description }, 'client authentication failed');
      if (blockedMs > 0) throw new TooManyAttempts(Math.ceil(blockedMs / 1000));
      throw new InvalidClient(CLIENT_AUTHENTICATION_FAILED);
    }
  }

  /**
   * The client whose HTTP Basic secret is correct, found in memory, checked without any effect:
   * nothing counted, logged or stored. Undefined for anything else, which must then go through
   * authenticateClient (the one place that counts failures and looks ids up in the database). A
   * correct secret passes there too, whatever the throttle says, so both agree on every success.
   */
  clientBySecretQuietly(authorization: string, params: FormParameters): ClientRecord | undefined {
    if (params.has('client_secret') || params.has('client_assertion') || params.has('client_assertion_type')) return undefined;
    try {
      const credentials = readClientSecretBasic(authorization, params.get('client_id'));
      const client = this.registry.find(credentials.clientId);
      if (!client || !methodAllowed(client, credentials.method)) return undefined;
      // A secret's check is synchronous; anything that is not goes the full way.
      return credentials.verify(client, this.authServices) === undefined ? client : undefined;
    } catch {
      return undefined;
    }
  }

  /** The user behind a grant, when the account is still active (disabled or deleted users get no new tokens). */
  async activeUser(userId: string): Promise<UserRecord | undefined> {
    const user = await this.storage.users.get(userId);
    return user?.status === 'active' ? user : undefined;
  }

  /** Whether some client registered this browser origin for CORS. */
  isRegisteredOrigin(origin: string): boolean {
    return this.registry.hasOrigin(origin);
  }

  /** A registered client, from memory. */
  findClient(clientId: string): ClientRecord | undefined {
    return this.registry.find(clientId);
  }

  /** Whether a client is still registered (a deleted client's tokens are no longer active). */
  isRegistered(clientId: string): boolean {
    return this.registry.find(clientId) !== undefined;
  }

  private readonly authServices: ClientAuthServices = {
    secretMatches: (secret, storedHash) => this.hasher.matches(secret, storedHash),
    verifyAssertion: async (client, assertion) => {
      if (!this.assertionVerifier) throw new Error('issuer not set');
      await this.assertionVerifier.verify(client, assertion);
    },
  };

  async close(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    await this.syncing?.catch(() => {});
    // Mail already promised to someone reaches the outbox before the database closes; what is
    // still there waits for the next start or another instance. Sends in flight finish.
    await this.mailQueue.prepared();
    await this.mailCourier.stop();
    await this.mailer.close();
    // Failures counted by the last requests reach the database, for the other instances and the next start.
    await this.sharedFailures.settled();
    await this.storage.close();
  }
}
