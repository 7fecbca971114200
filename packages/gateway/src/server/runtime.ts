// Everything a request needs from one configuration, prepared once when the configuration is
// loaded (or reloaded): the route table, compiled IP rules, verifiers, upstream groups, metric
// counters and header values. Requests keep the runtime they started with, so a reload never
// changes a request midway.
import type { AccessTokenVerifier } from '@runnerly/guard';
import type { GatewayConfig, RouteConfig, RouteLimit } from '../config/types.js';
import type { LimitRule, LimitStore } from '../limits/types.js';
import { UpstreamGroup, type Upstream, type UpstreamRegistry } from '../proxy/upstream.js';
import { CidrMatcher, IpRules } from '../waf/ip-rules.js';
import { RouteAuthenticator } from './edge-auth.js';
import { RouteFirewall } from './firewall-gate.js';
import type { DecisionCounters, GatewayMetrics, LatencyHistogram } from './metrics.js';
import { policyHeaderValue } from './ratelimit-headers.js';
import { RouteTable } from './route-table.js';

export interface CompiledLimit {
  readonly limit: RouteLimit;
  readonly counters: DecisionCounters;
}

export interface CompiledRoute {
  readonly config: RouteConfig;
  readonly prefix: string;
  readonly caseInsensitive: boolean;
  readonly upstreams: UpstreamGroup;
  readonly authenticator: RouteAuthenticator | undefined;
  readonly limits: readonly CompiledLimit[];
  /** From a rule (as combine reports it) back to its configured limit. */
  readonly limitByRule: ReadonlyMap<LimitRule, CompiledLimit>;
  readonly firewall: RouteFirewall;
  /** RateLimit-Policy of the route's limits, or undefined when none announces one. */
  readonly policyHeader: string | undefined;
  readonly latency: LatencyHistogram;
  /** Value of the Allow header on 405 answers. */
  readonly allowHeader: string;
}

export interface RuntimeParts {
  readonly upstreams: UpstreamRegistry;
  readonly verifierFor: (route: RouteConfig) => AccessTokenVerifier;
  readonly metrics: GatewayMetrics;
  readonly store: LimitStore;
}

export class Runtime {
  readonly config: GatewayConfig;
  readonly routes: RouteTable<CompiledRoute>;
  readonly trustedProxies: CidrMatcher;
  /** The global IP rules (routes apply them in their firewall; the admin endpoints here). */
  readonly ipRules: IpRules;
  /** Who may reach the admin endpoints besides the IP rules. */
  readonly adminAllow: CidrMatcher;
  readonly store: LimitStore;
  readonly rejectStatus: 429 | 503;
  readonly healthPath: string;
  readonly metricsPath: string;
  readonly adminPrefix: string;
  /** Every upstream this configuration may forward to. */
  readonly upstreamsInUse: ReadonlySet<Upstream>;
  /** Requests started under this runtime and not yet finished. */
  inFlight = 0;

  constructor(config: GatewayConfig, parts: RuntimeParts) {
    this.config = config;
    this.store = parts.store;
    this.rejectStatus = config.rejectStatus;
    this.adminPrefix = config.adminPrefix;
    this.healthPath = `${config.adminPrefix}healthz`;
    this.metricsPath = `${config.adminPrefix}metrics`;
    this.trustedProxies = CidrMatcher.compile(config.trustedProxies);
    this.ipRules = new IpRules({ allow: [...config.ipRules.allow], deny: [...config.ipRules.deny] });
    this.adminAllow = CidrMatcher.compile(config.adminAllow);
    const inUse = new Set<Upstream>();
    const compiled = config.routes.map((route) => compileRoute(route, config, parts, inUse));
    this.routes = new RouteTable(compiled);
    this.upstreamsInUse = inUse;
  }
}

function compileRoute(route: RouteConfig, config: GatewayConfig, parts: RuntimeParts, inUse: Set<Upstream>): CompiledRoute {
  const members = route.upstreams.map((origin) => {
    const upstream = parts.upstreams.get(origin, {
      connections: route.connections,
      connectTimeoutMs: route.connectTimeoutMs,
      maxFailures: route.maxFailures,
      cooldownMs: route.failureCooldownMs,
    });
    inUse.add(upstream);
    return upstream;
  });
  const limits = route.limits.map((limit) => ({ limit, counters: parts.metrics.decisionCounters(route.prefix, limit.name) }));
  return {
    config: route,
    prefix: route.prefix,
    caseInsensitive: route.caseInsensitive,
    upstreams: new UpstreamGroup(members),
    authenticator: route.auth === undefined ? undefined : new RouteAuthenticator(route.auth, parts.verifierFor(route)),
    firewall: new RouteFirewall(route, config),
    limits,
    limitByRule: new Map(limits.map((compiled) => [compiled.limit.rule, compiled])),
    policyHeader: policyHeaderValue(route.limits),
    latency: parts.metrics.latencyHistogram(route.prefix),
    allowHeader: (route.methods === undefined ? config.firewall.allowedMethods : [...route.methods]).join(', '),
  };
}
