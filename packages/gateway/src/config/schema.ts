// The configuration file's shape, with a default for every optional key (documented in README.md).
// Every object refuses unknown keys, so a misspelt key is an error rather than a silently ignored setting.
import { Type, type Static, type TObject, type TProperties, type TString } from '@sinclair/typebox';
import { DURATION_PATTERN, RATE_PATTERN } from './units.js';

/** An object schema that refuses unknown keys. */
function Strict<T extends TProperties>(properties: T, options: Record<string, unknown> = {}): TObject<T> {
  return Type.Object(properties, { additionalProperties: false, ...options });
}

/** An all-optional section: absent means every key at its default. */
function Section<T extends TProperties>(properties: T): TObject<T> {
  return Strict(properties, { default: {} });
}

/** Extra annotation read by the validator: the message for a value that fails `pattern`. */
function Pattern(pattern: string, expected: string, options: Record<string, unknown> = {}): TString {
  return Type.String({ pattern, expected, ...options });
}

const PositiveInteger = (options: Record<string, unknown> = {}) => Type.Integer({ minimum: 1, ...options });
const NonNegativeInteger = (options: Record<string, unknown> = {}) => Type.Integer({ minimum: 0, ...options });

/** `ip`, `sub`, `client_id`, `route` or `header:NAME` (NAME an RFC 9110 token). */
export const LIMIT_KEY_PATTERN = "^(ip|sub|client_id|route|header:[!#$%&'*+.^_`|~0-9A-Za-z-]+)$";
const LimitKey = Pattern(LIMIT_KEY_PATTERN, 'expected "ip", "sub", "client_id", "route" or "header:<name>"', { default: 'ip' });
const LimitName = Pattern('^[A-Za-z0-9._:/-]{1,64}$', 'expected 1 to 64 of A-Z a-z 0-9 . _ : / -');
/**
 * A `header:NAME` key on a request without the header (or with an empty one): `ip` counts it under
 * the client's address, `shared` in one bucket for all such requests, `skip` not at all (nginx).
 * No schema default: it is refused on keys that are never missing, and defaults to `ip` on header keys.
 */
const MissingKey = Type.Optional(Type.Union([Type.Literal('ip'), Type.Literal('shared'), Type.Literal('skip')]));

export const RateLimitSchema = Strict({
  type: Type.Literal('rate'),
  name: Type.Optional(LimitName),
  key: LimitKey,
  missingKey: MissingKey,
  rate: Pattern(RATE_PATTERN, 'expected "<N>r/s" or "<N>r/m"'),
  burst: NonNegativeInteger({ default: 0 }),
  delay: Type.Union([NonNegativeInteger(), Type.Literal('nodelay')], { default: 0, expected: 'expected a non-negative integer or "nodelay"' }),
});

export const ConcurrencyLimitSchema = Strict({
  type: Type.Literal('concurrency'),
  name: Type.Optional(LimitName),
  key: LimitKey,
  missingKey: MissingKey,
  max: PositiveInteger(),
  burst: NonNegativeInteger({ default: 0 }),
});

export const QuotaLimitSchema = Strict({
  type: Type.Literal('quota'),
  name: Type.Optional(LimitName),
  key: LimitKey,
  missingKey: MissingKey,
  limit: PositiveInteger(),
  window: Pattern(DURATION_PATTERN, 'expected a duration such as "1s", "15m", "1h" or "1d"'),
  sliding: Type.Boolean({ default: false }),
});

/** Unions tagged with `discriminator` are validated against the variant their tag names, for precise messages. */
export const LimitSchema = Type.Union([RateLimitSchema, ConcurrencyLimitSchema, QuotaLimitSchema], { discriminator: 'type' });

export const AuthSchema = Strict({
  issuer: Type.String({ minLength: 1 }),
  audience: Type.Union([Type.String({ minLength: 1 }), Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })], {
    expected: 'expected a non-empty string or array of strings',
  }),
  scopes: Type.Array(Type.String({ minLength: 1 }), { default: [] }),
  /** Realm of the RFC 6750 challenge. */
  realm: Type.String({ default: 'runnerly' }),
});

export const WafModeSchema = Type.Union([Type.Literal('block'), Type.Literal('detect'), Type.Literal('off')], { default: 'block' });

export const RouteSchema = Strict({
  prefix: Pattern('^/', 'expected a path starting with "/"'),
  upstream: Type.Array(Type.String(), { minItems: 1 }),
  methods: Type.Optional(Type.Array(Pattern('^[A-Z]+$', 'expected an upper-case HTTP method'), { minItems: 1 })),
  limits: Type.Array(LimitSchema, { default: [] }),
  auth: Type.Optional(AuthSchema),
  /** Match `prefix` without regard to ASCII case (for upstreams that ignore case); the path is forwarded as received. */
  caseInsensitive: Type.Boolean({ default: false }),
  waf: Section({
    mode: WafModeSchema,
    /** Compressed form, JSON and multipart bodies: "refuse" (415, 920423), or "inspect" for upstreams known to decompress them. */
    compressedBodies: Type.Union([Type.Literal('refuse'), Type.Literal('inspect')], { default: 'refuse' }),
  }),
  timeout: Section({
    connectMs: PositiveInteger({ default: 2000 }),
    responseMs: PositiveInteger({ default: 30_000 }),
    /** Most time between two reads of a request body (nginx client_body_timeout); 408 when it passes. */
    clientBodyMs: PositiveInteger({ default: 60_000 }),
  }),
  maxBodyBytes: PositiveInteger({ default: 1_048_576 }),
  /** Bodies up to this size are received whole before an upstream connection is taken (0: none). */
  bodyBufferBytes: NonNegativeInteger({ default: 65_536 }),
  /** Keep-alive connections per upstream origin. */
  connections: PositiveInteger({ default: 128 }),
  /** Most of those one client may hold at once; default a quarter of `connections`, rounded up. */
  connectionsPerClient: Type.Optional(PositiveInteger()),
  /** Passive health: an upstream failing `maxFailures` times in a row is skipped for `cooldownMs`. */
  passiveHealth: Section({
    maxFailures: PositiveInteger({ default: 3 }),
    cooldownMs: PositiveInteger({ default: 10_000 }),
  }),
  /**
   * nginx proxy_next_upstream: a request whose upstream failed before any response byte is sent to
   * another one (idempotent methods, or any method when the connection was never made).
   */
  nextUpstream: Section({
    /** Upstreams one request may be tried on (0: each of the route's upstreams once; 1: no retry). */
    tries: NonNegativeInteger({ default: 0 }),
    /** `error`: the connection failed or was reset; `timeout`: connecting or the response head timed out. */
    on: Type.Array(Type.Union([Type.Literal('error'), Type.Literal('timeout')]), { default: ['error', 'timeout'], uniqueItems: true }),
  }),
});

export const MemoryStoreSchema = Strict({
  type: Type.Literal('memory'),
  /** Keys tracked at most; idle keys are evicted first. */
  maxKeys: PositiveInteger({ default: 100_000 }),
});

export const RedisStoreSchema = Strict({
  type: Type.Literal('redis'),
  url: Pattern('^rediss?://', 'expected a redis:// or rediss:// URL'),
  onError: Type.Union([Type.Literal('local'), Type.Literal('allow'), Type.Literal('deny')], { default: 'local' }),
  keyPrefix: Type.String({ default: 'runnerly-gateway:' }),
  commandTimeoutMs: PositiveInteger({ default: 50 }),
});

export const StoreSchema = Type.Union([MemoryStoreSchema, RedisStoreSchema], { discriminator: 'type', default: { type: 'memory' } });

export const ConfigSchema = Strict({
  listen: Section({
    host: Type.String({ minLength: 1, default: '127.0.0.1' }),
    port: Type.Integer({ minimum: 0, maximum: 65_535, default: 8080 }),
  }),
  trustedProxies: Type.Array(Type.String(), { default: [] }),
  store: StoreSchema,
  ipRules: Section({
    allow: Type.Array(Type.String(), { default: [] }),
    deny: Type.Array(Type.String(), { default: [] }),
  }),
  /** Status of limit rejections: 429 (RFC 6585) or 503 (nginx's default). */
  /** Protocol limits of the firewall (OWASP CRS 920 family); a route's `methods` narrows allowedMethods. */
  firewall: Section({
    allowedMethods: Type.Array(Pattern('^[A-Z]+$', 'expected an upper-case HTTP method'), {
      minItems: 1,
      default: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    }),
    maxUrlLength: PositiveInteger({ default: 4096 }),
    maxHeaderCount: PositiveInteger({ default: 100 }),
    maxHeaderBytes: PositiveInteger({ default: 16_384 }),
    maxArgs: PositiveInteger({ default: 255 }),
    maxArgLength: PositiveInteger({ default: 4096 }),
    /** Inbound anomaly score that refuses a request (CRS default 5: one critical match). */
    anomalyThreshold: PositiveInteger({ default: 5 }),
    /** Form and JSON bodies up to this size are buffered and inspected, larger ones stream uninspected. */
    bodyInspectionLimitBytes: PositiveInteger({ default: 65_536 }),
    /** Multipart bodies are buffered up to min(the route's maxBodyBytes, this); longer ones are refused (413, 920402). */
    multipartBufferBytes: PositiveInteger({ default: 8_388_608 }),
    /** Most bytes of a multipart body outside its files (part headers, field values); more is refused (413, 920401). */
    multipartNonFileLimitBytes: PositiveInteger({ default: 131_072 }),
    jsonMaxDepth: PositiveInteger({ default: 32 }),
    maxBodyTargets: PositiveInteger({ default: 2048 }),
    /** Most parts of a multipart body (each costs busboy a header parse); counted before busboy runs. */
    maxMultipartParts: PositiveInteger({ default: 200 }),
  }),
  rejectStatus: Type.Union([Type.Literal(429), Type.Literal(503)], { default: 429 }),
  /** Where the gateway answers /healthz and /metrics itself; never proxied. */
  adminPrefix: Pattern('^/.*/$', 'expected a path starting and ending with "/"', { default: '/_gateway/' }),
  /** Who may reach those endpoints (the IP rules apply too); loopback only by default. */
  adminAllow: Type.Array(Type.String(), { default: ['127.0.0.0/8', '::1'] }),
  logLevel: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) => Type.Literal(level)),
    { default: 'info' },
  ),
  routes: Type.Array(RouteSchema, { minItems: 1 }),
});

export type RawConfig = Static<typeof ConfigSchema>;
export type RawRoute = Static<typeof RouteSchema>;
export type RawLimit = Static<typeof LimitSchema>;
