// IP allow/deny lists and client address resolution (nginx ngx_http_access_module and
// ngx_http_realip_module with `real_ip_recursive on`).
// CIDR lists are compiled once into sets of network prefixes keyed by prefix length, so a lookup
// costs one set probe per distinct prefix length, with no per-request parsing of the rules.

import { formatIpAddress, formatIpv6, parseIpAddress, type IpAddress } from './ip-address.js';

export class InvalidCidrError extends Error {
  constructor(readonly entry: string, reason: string) {
    super(`invalid CIDR "${entry}": ${reason}`);
    this.name = 'InvalidCidrError';
  }
}

interface PrefixTable<T> {
  readonly prefixLength: number;
  readonly networks: Set<T>;
}

const V6_BITS = 128n;

function v4Network(value: number, prefixLength: number): number {
  // `>>> 32` would shift by 0 in JavaScript, so /0 is handled by the caller.
  return prefixLength === 0 ? 0 : value >>> (32 - prefixLength);
}

function v6Network(value: bigint, prefixLength: number): bigint {
  return value >> (V6_BITS - BigInt(prefixLength));
}

/** A compiled list of CIDR ranges (IPv4 and IPv6; IPv4-mapped IPv6 addresses match IPv4 ranges). */
export class CidrMatcher {
  private readonly v4: PrefixTable<number>[];
  private readonly v6: PrefixTable<bigint>[];
  readonly size: number;

  private constructor(v4: PrefixTable<number>[], v6: PrefixTable<bigint>[], size: number) {
    this.v4 = v4;
    this.v6 = v6;
    this.size = size;
  }

  /**
   * Compiles entries like "10.0.0.0/8", "2001:db8::/32", "::ffff:10.0.0.0/104", a bare address
   * (a single host) or "all" (every IPv4 and IPv6 address, as in nginx). Host bits below the prefix
   * are ignored, as nginx does. Throws InvalidCidrError naming the first bad entry.
   */
  static compile(entries: readonly string[]): CidrMatcher {
    const v4 = new Map<number, Set<number>>();
    const v6 = new Map<number, Set<bigint>>();
    const addV4 = (prefix: number, value: number) => {
      let set = v4.get(prefix);
      if (!set) v4.set(prefix, (set = new Set()));
      set.add(v4Network(value, prefix));
    };
    const addV6 = (prefix: number, value: bigint) => {
      let set = v6.get(prefix);
      if (!set) v6.set(prefix, (set = new Set()));
      set.add(v6Network(value, prefix));
    };
    for (const raw of entries) {
      const entry = typeof raw === 'string' ? raw.trim() : '';
      if (entry === 'all') {
        addV4(0, 0);
        addV6(0, 0n);
        continue;
      }
      const slash = entry.indexOf('/');
      const addressText = slash >= 0 ? entry.slice(0, slash) : entry;
      const address = parseIpAddress(addressText);
      if (address === null) throw new InvalidCidrError(String(raw), 'not an IPv4 or IPv6 address');
      const writtenAsV6 = addressText.includes(':');
      const maxBits = writtenAsV6 ? 128 : 32;
      let prefix = maxBits;
      if (slash >= 0) {
        const prefixText = entry.slice(slash + 1);
        if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > maxBits) {
          throw new InvalidCidrError(String(raw), `prefix length must be 0-${maxBits}`);
        }
        prefix = Number(prefixText);
      }
      if (address.family === 4) {
        if (writtenAsV6) {
          // ::ffff:a.b.c.d/N covers IPv4 addresses only when N >= 96.
          if (prefix < 96) throw new InvalidCidrError(String(raw), 'an IPv4-mapped range needs a prefix of at least 96');
          prefix -= 96;
        }
        addV4(prefix, address.value);
      } else {
        addV6(prefix, address.value);
      }
    }
    const byLongestPrefix = <T>(map: Map<number, Set<T>>): PrefixTable<T>[] =>
      [...map.entries()].sort((a, b) => b[0] - a[0]).map(([prefixLength, networks]) => ({ prefixLength, networks }));
    return new CidrMatcher(byLongestPrefix(v4), byLongestPrefix(v6), entries.length);
  }

  /** True when the address (text or parsed) is inside one of the ranges; false for non-addresses. */
  matches(address: string | IpAddress | null | undefined): boolean {
    const parsed = typeof address === 'string' ? parseIpAddress(address) : address;
    if (!parsed) return false;
    if (parsed.family === 4) {
      for (const table of this.v4) if (table.networks.has(v4Network(parsed.value, table.prefixLength))) return true;
      return false;
    }
    for (const table of this.v6) if (table.networks.has(v6Network(parsed.value, table.prefixLength))) return true;
    return false;
  }
}

export interface IpRulesOptions {
  allow?: readonly string[];
  deny?: readonly string[];
}

export type IpDecision = 'allow' | 'deny' | 'not-allowed';

/** Compiled allow/deny lists: deny wins over allow; with a non-empty allow list, anything outside it is refused. */
export class IpRules {
  private readonly allow: CidrMatcher | null;
  private readonly deny: CidrMatcher | null;

  constructor(options: IpRulesOptions) {
    this.allow = options.allow && options.allow.length > 0 ? CidrMatcher.compile(options.allow) : null;
    this.deny = options.deny && options.deny.length > 0 ? CidrMatcher.compile(options.deny) : null;
  }

  get isEmpty(): boolean {
    return this.allow === null && this.deny === null;
  }

  /** 'deny': in the deny list; 'not-allowed': an allow list exists and the address is not in it. */
  decide(address: string | IpAddress | null | undefined): IpDecision {
    if (this.isEmpty) return 'allow';
    const parsed = typeof address === 'string' ? parseIpAddress(address) : address;
    if (this.deny?.matches(parsed)) return 'deny';
    if (this.allow && !this.allow.matches(parsed)) return 'not-allowed';
    return 'allow';
  }
}

export function compileIpRules(options: IpRulesOptions): IpRules {
  return new IpRules(options);
}

/**
 * The rate-limit key of a client address: IPv4 as dotted quad (also when IPv4-mapped), IPv6 grouped
 * by its /64 network, since one subscriber usually holds a whole /64 (RFC 6177). Non-addresses are
 * returned unchanged.
 */
export function clientKeyForAddress(address: string): string {
  const parsed = parseIpAddress(address);
  if (!parsed) return address;
  if (parsed.family === 4) return formatIpAddress(parsed);
  return `${formatIpv6((parsed.value >> 64n) << 64n)}/64`;
}

export function isTrustedProxy(address: string | IpAddress | null | undefined, trustedProxies: CidrMatcher): boolean {
  return trustedProxies.matches(address);
}

/** Strips a port from one X-Forwarded-For hop: "1.2.3.4:80" and "[2001:db8::1]:443" are accepted. */
function hopAddress(hop: string): IpAddress | null {
  const text = hop.trim();
  if (text.startsWith('[')) {
    const end = text.indexOf(']');
    return end > 0 ? parseIpAddress(text.slice(1, end)) : null;
  }
  const colon = text.indexOf(':');
  if (colon > 0 && colon === text.lastIndexOf(':') && text.includes('.')) return parseIpAddress(text.slice(0, colon));
  return parseIpAddress(text);
}

/**
 * The client's address, as nginx realip with `real_ip_recursive on` finds it: when the peer is a
 * trusted proxy, X-Forwarded-For is walked from the right, skipping trusted proxies; the first
 * untrusted hop is the client (if every hop is trusted, the leftmost one). A hop that is not an
 * address stops the walk and the peer address is kept, as nginx does (the header is not trusted).
 * Returned in canonical form (IPv4-mapped addresses as IPv4).
 */
export function clientAddress(
  remoteAddress: string | undefined,
  xForwardedFor: string | readonly string[] | undefined,
  trustedProxies: CidrMatcher,
): string {
  const remote = remoteAddress ?? '';
  const peer = parseIpAddress(remote);
  if (!peer) return remote;
  const canonicalPeer = formatIpAddress(peer);
  if (xForwardedFor === undefined || trustedProxies.size === 0 || !trustedProxies.matches(peer)) return canonicalPeer;
  const header = typeof xForwardedFor === 'string' ? xForwardedFor : xForwardedFor.join(',');
  const hops = header.split(',');
  let last: IpAddress | null = null;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i] as string;
    if (hop.trim() === '') continue;
    const address = hopAddress(hop);
    if (!address) return canonicalPeer;
    last = address;
    if (!trustedProxies.matches(address)) return formatIpAddress(address);
  }
  return last ? formatIpAddress(last) : canonicalPeer;
}
