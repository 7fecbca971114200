// Parsing and formatting of single IP addresses, without allocation-heavy helpers, because the
// gateway parses one (or a few X-Forwarded-For hops) on every request.
// IPv4 is an unsigned 32-bit number, IPv6 a 128-bit bigint. IPv4-mapped IPv6 addresses
// (::ffff:a.b.c.d, RFC 4291 §2.5.5.2) are returned as IPv4, as nginx's access module treats them.

export type IpAddress =
  | { readonly family: 4; readonly value: number }
  | { readonly family: 6; readonly value: bigint };

const MAPPED_PREFIX = 0xffffn << 32n;
const MAPPED_MASK = ~0xffffffffn & ((1n << 128n) - 1n);

/** Dotted-quad IPv4 (decimal, no leading zeros, which some resolvers read as octal) to a uint32, or null. */
export function parseIpv4(text: string): number | null {
  const length = text.length;
  if (length < 7 || length > 15) return null;
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits > 0 && part === 0) return null; // leading zero
      part = part * 10 + (c - 48);
      if (part > 255) return null;
      digits++;
    } else if (c === 46) {
      if (digits === 0 || ++dots > 3) return null;
      value = value * 256 + part;
      part = 0;
      digits = 0;
    } else {
      return null;
    }
  }
  if (digits === 0 || dots !== 3) return null;
  return value * 256 + part;
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const lower = c | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87;
  return -1;
}

/** Parses colon-separated hex groups (no '::'); a trailing dotted IPv4 counts as two groups. */
function parseGroups(text: string, into: number[], allowTrailingIpv4: boolean): boolean {
  if (text === '') return true;
  const pieces = text.split(':');
  for (let p = 0; p < pieces.length; p++) {
    const piece = pieces[p] as string;
    if (allowTrailingIpv4 && p === pieces.length - 1 && piece.includes('.')) {
      const v4 = parseIpv4(piece);
      if (v4 === null) return false;
      into.push(v4 >>> 16, v4 & 0xffff);
      return true;
    }
    if (piece.length === 0 || piece.length > 4) return false;
    let group = 0;
    for (let i = 0; i < piece.length; i++) {
      const d = hexDigit(piece.charCodeAt(i));
      if (d < 0) return false;
      group = group * 16 + d;
    }
    into.push(group);
  }
  return true;
}

/** RFC 4291 §2.2 text forms (with '::' and a trailing dotted IPv4), zone ids ("%eth0") ignored. */
export function parseIpv6(text: string): bigint | null {
  const zone = text.indexOf('%');
  const address = zone >= 0 ? text.slice(0, zone) : text;
  if (address.length < 2 || address.length > 45) return null;
  const gap = address.indexOf('::');
  const head: number[] = [];
  const tail: number[] = [];
  if (gap >= 0) {
    if (address.indexOf('::', gap + 1) >= 0) return null;
    if (!parseGroups(address.slice(0, gap), head, false)) return null;
    if (!parseGroups(address.slice(gap + 2), tail, true)) return null;
    if (head.length + tail.length > 7) return null;
  } else {
    if (!parseGroups(address, head, true) || head.length !== 8) return null;
  }
  let value = 0n;
  for (const group of head) value = (value << 16n) | BigInt(group);
  for (let i = head.length + tail.length; i < 8; i++) value <<= 16n;
  for (const group of tail) value = (value << 16n) | BigInt(group);
  return value;
}

/** Any textual address; IPv4-mapped IPv6 comes back as IPv4. Null when it is not an address. */
export function parseIpAddress(text: string): IpAddress | null {
  if (text.includes(':')) {
    const v6 = parseIpv6(text);
    if (v6 === null) return null;
    if ((v6 & MAPPED_MASK) === MAPPED_PREFIX) return { family: 4, value: Number(v6 & 0xffffffffn) };
    return { family: 6, value: v6 };
  }
  const v4 = parseIpv4(text);
  return v4 === null ? null : { family: 4, value: v4 };
}

export function formatIpv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 0xff}.${(value >>> 8) & 0xff}.${value & 0xff}`;
}

/** RFC 5952 canonical text: lowercase, the longest run (≥ 2) of zero groups shortened to '::'. */
export function formatIpv6(value: bigint): string {
  const groups: number[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(Number((value >> shift) & 0xffffn));
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) { bestStart = i; bestLength = j - i; }
    i = j;
  }
  const hex = (list: number[]) => list.map((g) => g.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLength))}`;
}

export function formatIpAddress(address: IpAddress): string {
  return address.family === 4 ? formatIpv4(address.value) : formatIpv6(address.value);
}
