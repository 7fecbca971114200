// From a schema-valid file to the GatewayConfig the server runs on: units parsed, limit ids
// assigned, and the checks a schema cannot express (unique prefixes, upstream URLs, CIDRs,
// token-derived limit keys only on routes that verify tokens).
import type { LimitRule } from '../limits/types.js';
import { CidrMatcher, InvalidCidrError } from '../waf/ip-rules.js';
import type { RawConfig, RawLimit, RawRoute } from './schema.js';
import type { GatewayConfig, LimitKeySpec, RouteConfig, RouteLimit } from './types.js';
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
    upstreams,
    methods: route.methods === undefined ? undefined : new Set(route.methods),
    limits,
    auth: route.auth,
    wafMode: route.waf.mode as RouteConfig['wafMode'],
    connectTimeoutMs: route.timeout.connectMs,
    responseTimeoutMs: route.timeout.responseMs,
    maxBodyBytes: route.maxBodyBytes,
    connections: route.connections,
    maxFailures: route.passiveHealth.maxFailures,
    failureCooldownMs: route.passiveHealth.cooldownMs,
  };
}

function resolveLimit(limit: RawLimit, route: RawRoute, routeIndex: number, limitIndex: number, issues: string[]): RouteLimit {
  const at = `routes[${routeIndex}].limits[${limitIndex}]`;
  const key = limitKey(limit.key);
  if ((key.source === 'sub' || key.source === 'client_id') && route.auth === undefined) {
    issues.push(`${at}.key: "${limit.key}" needs a verified token, but routes[${routeIndex}] has no auth`);
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

function limitKey(text: string): LimitKeySpec {
  if (text.startsWith('header:')) return { source: 'header', name: text.slice('header:'.length).toLowerCase() };
  return { source: text as 'ip' | 'sub' | 'client_id' | 'route' };
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
