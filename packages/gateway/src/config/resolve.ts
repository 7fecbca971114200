// From a schema-valid file to the GatewayConfig the server runs on: units parsed, limit ids
// assigned, and the checks a schema cannot express (unique prefixes, upstream URLs, CIDRs,
// token-derived limit keys only on routes that verify tokens, missingKey only on header keys,
// case-insensitive routes that cannot capture what a stricter route guards).
import type { LimitRule } from '../limits/types.js';
import { CidrMatcher, InvalidCidrError } from '../waf/ip-rules.js';
import { asciiLowerCase } from './ascii-case.js';
import type { RawConfig, RawLimit, RawRoute } from './schema.js';
import type { GatewayConfig, LimitKeySpec, MissingKeyPolicy, RouteConfig, RouteLimit } from './types.js';
import { parseDuration, parseRate } from './units.js';

/** Returns the resolved configuration, or the list of problems found. */
export function resolveConfig(raw: RawConfig): { config?: GatewayConfig; issues: string[] } {
  const issues: string[] = [];
  checkCidrs(raw.trustedProxies, 'trustedProxies', issues);
  checkCidrs(raw.ipRules.allow, 'ipRules.allow', issues);
  checkCidrs(raw.ipRules.deny, 'ipRules.deny', issues);
  checkCidrs(raw.adminAllow, 'adminAllow', issues);

  const seenPrefixes = new Map<string, number>();
  const routes = raw.routes.map((route, index) => {
    const earlier = seenPrefixes.get(route.prefix);
    if (earlier !== undefined) issues.push(`routes[${index}].prefix: "${route.prefix}" is already used by routes[${earlier}]`);
    seenPrefixes.set(route.prefix, index);
    if (route.prefix.startsWith(raw.adminPrefix)) {
      issues.push(`routes[${index}].prefix: "${route.prefix}" is inside adminPrefix "${raw.adminPrefix}", which the gateway answers itself`);
    }
    return resolveRoute(route, index, issues);
  });
  checkCaseInsensitiveRoutes(raw.routes, raw.adminPrefix, issues);

  if (issues.length > 0) return { issues };
  return {
    issues,
    config: {
      listen: raw.listen,
      trustedProxies: raw.trustedProxies,
      store: raw.store,
      ipRules: raw.ipRules,
      firewall: raw.firewall,
      rejectStatus: raw.rejectStatus as 429 | 503,
      adminPrefix: raw.adminPrefix,
      adminAllow: raw.adminAllow,
      logLevel: raw.logLevel as GatewayConfig['logLevel'],
      routes,
    },
  };
}

function resolveRoute(route: RawRoute, index: number, issues: string[]): RouteConfig {
  const at = `routes[${index}]`;
  const upstreams = route.upstream.map((url, upstreamIndex) => upstreamOrigin(url, `${at}.upstream[${upstreamIndex}]`, issues));
  const usedNames = new Set<string>();
  const limits = route.limits.map((limit, limitIndex) => {
    const resolved = resolveLimit(limit, route, index, limitIndex, issues);
    if (usedNames.has(resolved.name)) issues.push(`${at}.limits[${limitIndex}].name: "${resolved.name}" is used twice on this route`);
    usedNames.add(resolved.name);
    return resolved;
  });
  return {
    index,
    prefix: route.prefix,
    caseInsensitive: route.caseInsensitive,
    upstreams,
    methods: route.methods === undefined ? undefined : new Set(route.methods),
    limits,
    auth: route.auth,
    wafMode: route.waf.mode as RouteConfig['wafMode'],
    wafCompressedBodies: route.waf.compressedBodies as RouteConfig['wafCompressedBodies'],
    connectTimeoutMs: route.timeout.connectMs,
    responseTimeoutMs: route.timeout.responseMs,
    clientBodyTimeoutMs: route.timeout.clientBodyMs,
    maxBodyBytes: route.maxBodyBytes,
    bodyBufferBytes: route.bodyBufferBytes,
    connections: route.connections,
    connectionsPerClient: connectionsPerClient(route, at, issues),
    maxFailures: route.passiveHealth.maxFailures,
    failureCooldownMs: route.passiveHealth.cooldownMs,
    nextUpstream: { tries: route.nextUpstream.tries, on: new Set(route.nextUpstream.on) },
  };
}

// One client must not be able to hold every connection to an upstream (slow bodies, slow reads):
// by default it gets a quarter of them.
function connectionsPerClient(route: RawRoute, at: string, issues: string[]): number {
  const perClient = route.connectionsPerClient ?? Math.ceil(route.connections / 4);
  if (perClient > route.connections) {
    issues.push(`${at}.connectionsPerClient: must be at most connections (${route.connections}), got ${perClient}`);
  }
  return perClient;
}

function resolveLimit(limit: RawLimit, route: RawRoute, routeIndex: number, limitIndex: number, issues: string[]): RouteLimit {
  const at = `routes[${routeIndex}].limits[${limitIndex}]`;
  const key = limitKey(limit.key, limit.missingKey);
  if ((key.source === 'sub' || key.source === 'client_id') && route.auth === undefined) {
    issues.push(`${at}.key: "${limit.key}" needs a verified token, but routes[${routeIndex}] has no auth`);
  }
  // Addresses and the route are always there, and a verified token always has sub and client_id
  // (auth is never optional): only a header can be missing.
  if (limit.missingKey !== undefined && key.source !== 'header') {
    issues.push(`${at}.missingKey: only "header:<name>" keys can be missing, but the key is "${limit.key}"`);
  }
  // Stable across restarts and reloads as long as the route's prefix and the limit's place stay: part of every store key.
  const id = `${route.prefix}#${limitIndex}`;
  const name = limit.name ?? `${route.prefix}#${limitIndex}`;
  const rule = limitRule(limit, id, at, issues);
  const { quota, windowSeconds } = policyOf(rule);
  return { rule, key, name, policyQuota: quota, policyWindowSeconds: windowSeconds };
}

function limitRule(limit: RawLimit, id: string, at: string, issues: string[]): LimitRule {
  switch (limit.type) {
    case 'rate': {
      const ratePerSecond = parseRate(limit.rate) ?? 0;
      if (ratePerSecond <= 0) issues.push(`${at}.rate: must be more than 0, got "${limit.rate}"`);
      return { type: 'rate', id, ratePerSecond, burst: limit.burst, delay: limit.delay as number | 'nodelay' };
    }
    case 'concurrency':
      return { type: 'concurrency', id, max: limit.max, burst: limit.burst };
    case 'quota': {
      const windowMs = parseDuration(limit.window) ?? 0;
      if (windowMs < 1000) issues.push(`${at}.window: must be at least 1s, got "${limit.window}"`);
      return { type: 'quota', id, limit: limit.limit, windowMs, sliding: limit.sliding };
    }
  }
}

// What RateLimit-Policy announces (draft-ietf-httpapi-ratelimit-headers): a leaky bucket holds
// burst + 1 requests and drains completely in (burst + 1) / rate seconds; a quota is its window.
// Concurrency is not a quota over time and announces nothing (quota 0).
function policyOf(rule: LimitRule): { quota: number; windowSeconds: number } {
  switch (rule.type) {
    case 'rate':
      return { quota: rule.burst + 1, windowSeconds: Math.max(1, Math.ceil((rule.burst + 1) / rule.ratePerSecond)) };
    case 'quota':
      return { quota: rule.limit, windowSeconds: Math.ceil(rule.windowMs / 1000) };
    case 'concurrency':
      return { quota: 0, windowSeconds: 0 };
  }
}

// A request without the header falls back to its address by default: `shared` would let one client
// exhaust a bucket that every header-less client depends on, `skip` would let anyone bypass the
// limit by leaving the header out.
function limitKey(text: string, missingKey: string | undefined): LimitKeySpec {
  if (text.startsWith('header:')) {
    return { source: 'header', name: text.slice('header:'.length).toLowerCase(), missing: (missingKey ?? 'ip') as MissingKeyPolicy };
  }
  return { source: text as 'ip' | 'sub' | 'client_id' | 'route' };
}

/**
 * A case-insensitive route takes every case variant of its prefix, so it must not take paths that
 * another route is meant to guard: `/API/x` cannot go to a case-insensitive `/api/` while a
 * case-sensitive `/API/` exists, and `/api/ADMIN/x` cannot reach a case-insensitive `/api/` (and,
 * through a case-insensitive upstream, the admin pages) past a case-sensitive `/api/admin/` with
 * stricter auth, limits or rules. Routes inside a case-insensitive one must ignore case too.
 */
function checkCaseInsensitiveRoutes(routes: readonly RawRoute[], adminPrefix: string, issues: string[]): void {
  const folded = routes.map((route) => asciiLowerCase(route.prefix));
  routes.forEach((route, index) => {
    if (!route.caseInsensitive) return;
    const at = `routes[${index}]`;
    if (!route.prefix.startsWith(adminPrefix) && folded[index]!.startsWith(asciiLowerCase(adminPrefix))) {
      issues.push(`${at}.prefix: "${route.prefix}" is, ignoring case, inside adminPrefix "${adminPrefix}", which the gateway answers itself`);
    }
    routes.forEach((other, otherIndex) => {
      if (otherIndex === index || !folded[otherIndex]!.startsWith(folded[index]!)) return;
      if (folded[otherIndex] === folded[index]) {
        // Identical prefixes are the uniqueness check's; two case-insensitive twins are reported once.
        if (other.prefix === route.prefix || (other.caseInsensitive && otherIndex < index)) return;
        const [earlier, later] = index < otherIndex ? [index, otherIndex] : [otherIndex, index];
        issues.push(
          `routes[${later}].prefix: "${routes[later]!.prefix}" is, ignoring case, the same as routes[${earlier}].prefix "${routes[earlier]!.prefix}", and ${at} is case-insensitive`,
        );
      } else if (!other.caseInsensitive) {
        issues.push(
          `routes[${otherIndex}].caseInsensitive: must be true, because "${other.prefix}" is inside the case-insensitive ${at} "${route.prefix}" ` +
            '(another case of the path would reach that route instead)',
        );
      }
    });
  });
}

function upstreamOrigin(text: string, at: string, issues: string[]): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    issues.push(`${at}: expected an http:// URL, got ${JSON.stringify(text)}`);
    return text;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') issues.push(`${at}: expected an http:// or https:// URL, got ${JSON.stringify(text)}`);
  else if (url.pathname !== '/' || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    issues.push(`${at}: expected an origin without path, query or credentials (the request path is forwarded as is), got ${JSON.stringify(text)}`);
  }
  return url.origin;
}

function checkCidrs(list: readonly string[], at: string, issues: string[]): void {
  list.forEach((entry, index) => {
    try {
      CidrMatcher.compile([entry]);
    } catch (error) {
      if (!(error instanceof InvalidCidrError)) throw error;
      issues.push(`${at}[${index}]: expected an IPv4 or IPv6 address or CIDR block, got ${JSON.stringify(entry)}`);
    }
  });
}
