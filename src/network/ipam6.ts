// IPv6 address management, pure: parsing and printing addresses (as BigInt), CIDRs, overlap, and
// the next free address of a pool. dockerd's defaults: the gateway is the subnet's ::1, and
// containers get the next addresses in order (the subnet-router anycast address ::0 is never given).
import { createHash } from 'node:crypto';
import { isIPv6 } from 'node:net';

export interface Cidr6 { base: bigint; prefix: number }

const ALL = (1n << 128n) - 1n;

export function ip6ToBig(text: string): bigint | undefined {
  if (!isIPv6(text) || text.includes('%')) return undefined;
  let s = text;
  // an embedded IPv4 tail (::ffff:1.2.3.4) becomes two hex groups
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (v4) {
    const b = v4.slice(1).map(Number);
    s = s.slice(0, v4.index) + `${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const [head, tail] = s.includes('::') ? s.split('::') as [string, string] : [s, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  if (groups.length !== 8) return undefined;
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** RFC 5952 text: lower case, leading zeros dropped, the longest run (2+) of zero groups as "::". */
export function bigToIp6(n: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => Number((n >> BigInt(112 - 16 * i)) & 0xffffn));
  let best = -1; let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

const mask6 = (prefix: number): bigint => (prefix === 0 ? 0n : (ALL << BigInt(128 - prefix)) & ALL);

/** "x::/n" → its network (host bits cleared). */
export function parseCidr6(text: string): Cidr6 | undefined {
  const m = /^([0-9a-fA-F:.]+)\/(\d{1,3})$/.exec(text.trim());
  if (!m) return undefined;
  const ip = ip6ToBig(m[1]!);
  const prefix = Number(m[2]);
  if (ip === undefined || prefix > 128) return undefined;
  return { base: ip & mask6(prefix), prefix };
}

export function cidr6Text(c: Cidr6): string { return `${bigToIp6(c.base)}/${c.prefix}`; }
export function contains6(c: Cidr6, ip: bigint): boolean { return (ip & mask6(c.prefix)) === c.base; }
export function overlaps6(a: Cidr6, b: Cidr6): boolean {
  const m = mask6(Math.min(a.prefix, b.prefix));
  return (a.base & m) === (b.base & m);
}

/**
 * dockerd's default IPv6 pool: a ULA /48 (fd00::/8 and a 40-bit global ID derived from `seed`,
 * RFC 4193) cut in /64s; the first /64 overlapping none of `inUse`.
 */
export function pickUlaSubnet(seed: string, inUse: readonly Cidr6[]): Cidr6 | undefined {
  const id = createHash('sha256').update(seed).digest();
  let base = 0xfdn;
  for (let i = 0; i < 5; i++) base = (base << 8n) | BigInt(id[i]!);
  base <<= 80n;
  for (let n = 0n; n < 0x10000n; n++) {
    const c = { base: base | (n << 64n), prefix: 64 };
    if (!inUse.some((u) => overlaps6(u, c))) return c;
  }
  return undefined;
}

/** The subnet's ::1: dockerd's default IPv6 gateway. */
export function firstHost6(c: Cidr6): bigint { return c.base + 1n; }

/** The next free address in `range` (default: the subnet), skipping the subnet's ::0 and `taken`. */
export function nextFree6(subnet: Cidr6, range: Cidr6 | undefined, taken: ReadonlySet<bigint>): bigint | undefined {
  const r = range ?? subnet;
  const last = r.base + (1n << BigInt(128 - r.prefix)) - 1n;
  // bounded: a /64 has more addresses than any container count, so the loop ends early
  for (let ip = r.base; ip <= last; ip++) {
    if (ip === subnet.base) continue;
    if (!taken.has(ip)) return ip;
  }
  return undefined;
}
