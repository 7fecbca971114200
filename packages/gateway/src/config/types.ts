// The configuration as the gateway uses it: validated, defaults filled, units parsed.
import type { LimitRule } from '../limits/types.js';

/**
 * What a header key does on a request without that header (or with an empty value): count it under
 * the client's address (`ip`), in one bucket shared by all such requests (`shared`), or not at all (`skip`).
 */
export type MissingKeyPolicy = 'ip' | 'shared' | 'skip';

/** Where a limit's key comes from. */
export type LimitKeySpec =
  | { readonly source: 'ip' }
  | { readonly source: 'sub' }
  | { readonly source: 'client_id' }
  | { readonly source: 'route' }
  /** `name` in lower case, as Node delivers header names. */
  | { readonly source: 'header'; readonly name: string; readonly missing: MissingKeyPolicy };

export interface RouteLimit {
  readonly rule: LimitRule;
  readonly key: LimitKeySpec;
  /** Policy name in RateLimit headers and logs. */
  readonly name: string;
  /** The quota and window (seconds) announced in `RateLimit-Policy`. */
  readonly policyQuota: number;
  readonly policyWindowSeconds: number;
}

export interface RouteAuth {
  readonly issuer: string;
  readonly audience: string | readonly string[];
  readonly scopes: readonly string[];
  readonly realm: string;
}

export type WafMode = 'block' | 'detect' | 'off';

/** Compressed form, JSON and multipart bodies: refused, or inspected decompressed. */
export type CompressedBodies = 'refuse' | 'inspect';

export interface RouteConfig {
  readonly index: number;
  readonly prefix: string;
  /** The prefix matches paths without regard to ASCII case. */
  readonly caseInsensitive: boolean;
  /** Origins (`http://host:port`), in configured order. */
  readonly upstreams: readonly string[];
  /** Allowed methods; undefined allows all. */
  readonly methods: ReadonlySet<string> | undefined;
  readonly limits: readonly RouteLimit[];
  readonly auth: RouteAuth | undefined;
  readonly wafMode: WafMode;
  readonly wafCompressedBodies: CompressedBodies;
  readonly connectTimeoutMs: number;
  readonly responseTimeoutMs: number;
  /** Most time between two reads of a request body (408 past it). */
  readonly clientBodyTimeoutMs: number;
  readonly maxBodyBytes: number;
  /** Bodies up to this size are received whole before an upstream connection is taken. */
  readonly bodyBufferBytes: number;
  readonly connections: number;
  /** Most upstream requests in flight per client (address) and upstream. */
  readonly connectionsPerClient: number;
  readonly maxFailures: number;
  readonly failureCooldownMs: number;
  /** When a failed forward is sent to another upstream (nginx proxy_next_upstream). */
  readonly nextUpstream: NextUpstreamPolicy;
}

export interface NextUpstreamPolicy {
  /** Upstreams one request may be tried on; 0: each of the route's upstreams once. */
  readonly tries: number;
  readonly on: ReadonlySet<'error' | 'timeout'>;
}

export type StoreConfig =
  | { readonly type: 'memory'; readonly maxKeys: number }
  | { readonly type: 'redis'; readonly url: string; readonly onError: 'local' | 'allow' | 'deny'; readonly keyPrefix: string; readonly commandTimeoutMs: number };

export interface FirewallSettings {
  readonly allowedMethods: readonly string[];
  readonly maxUrlLength: number;
  readonly maxHeaderCount: number;
  readonly maxHeaderBytes: number;
  readonly maxArgs: number;
  readonly maxArgLength: number;
  readonly anomalyThreshold: number;
  readonly bodyInspectionLimitBytes: number;
  readonly multipartBufferBytes: number;
  readonly multipartNonFileLimitBytes: number;
  readonly jsonMaxDepth: number;
  readonly maxBodyTargets: number;
  readonly maxMultipartParts: number;
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface GatewayConfig {
  readonly listen: { readonly host: string; readonly port: number };
  readonly trustedProxies: readonly string[];
  readonly store: StoreConfig;
  readonly ipRules: { readonly allow: readonly string[]; readonly deny: readonly string[] };
  readonly firewall: FirewallSettings;
  readonly rejectStatus: 429 | 503;
  readonly adminPrefix: string;
  /** CIDRs that may reach the admin endpoints (after the IP rules). */
  readonly adminAllow: readonly string[];
  readonly logLevel: LogLevel;
  readonly routes: readonly RouteConfig[];
}
