// IPv4 address management, pure: CIDR parsing, subnet overlap, the next free address of a pool
// (honouring IPRange, Gateway, AuxiliaryAddresses and what is taken), and subnets carved from
// address pools (--default-address-pool) avoiding the ones in use and the host's routes.
import { InvalidParameterError } from '../errdefs/index.js';

export interface Cidr { base: number; prefix: number }

export function ipToInt(ip: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

const mask = (prefix: number): number => (prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);

/** "a.b.c.d/n" → its network (host bits cleared when `strict` is false). */
export function parseCidr(text: string, strict = false): Cidr | undefined {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(text.trim());
  if (!m) return undefined;
  const ip = ipToInt(m[1]!);
  const prefix = Number(m[2]);
  if (ip === undefined || prefix > 32) return undefined;
  const base = (ip & mask(prefix)) >>> 0;
  if (strict && base !== ip) return undefined;
  return { base, prefix };
}

/** The address part of "a.b.c.d/n" with its prefix (for --bip, which names the gateway). */
export function parseAddrPrefix(text: string): { addr: number; cidr: Cidr } | undefined {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(text.trim());
  const addr = m ? ipToInt(m[1]!) : undefined;
  const cidr = parseCidr(text);
  return addr === undefined || !cidr ? undefined : { addr, cidr };
}

export function cidrText(c: Cidr): string { return `${intToIp(c.base)}/${c.prefix}`; }
export function size(c: Cidr): number { return 2 ** (32 - c.prefix); }
export function contains(c: Cidr, ip: number): boolean { return ((ip & mask(c.prefix)) >>> 0) === c.base; }
export function overlaps(a: Cidr, b: Cidr): boolean {
  const p = Math.min(a.prefix, b.prefix);
  return ((a.base & mask(p)) >>> 0) === ((b.base & mask(p)) >>> 0);
}

/** The first usable address (network address + 1): dockerd's default gateway. */
export function firstHost(c: Cidr): number { return c.base + 1; }

/**
 * The next free address in `range` (default: the subnet), skipping network and broadcast
 * addresses and `taken`.
 */
export function nextFree(subnet: Cidr, range: Cidr | undefined, taken: ReadonlySet<number>): number | undefined {
  const r = range ?? subnet;
  const first = r.base;
  const last = r.base + size(r) - 1;
  const bcast = subnet.base + size(subnet) - 1;
  for (let ip = first; ip <= last; ip++) {
    if (ip === subnet.base || (ip === bcast && subnet.prefix < 31)) continue;
    if (!taken.has(ip)) return ip;
  }
  return undefined;
}

export interface AddressPool { base: Cidr; size: number }

/** `--default-address-pool base=10.10.0.0/16,size=24` */
export function parseAddressPool(text: string): AddressPool {
  const fields = Object.fromEntries(text.split(',').map((kv) => {
    const i = kv.indexOf('=');
    return [kv.slice(0, i).trim(), kv.slice(i + 1).trim()];
  }));
  const base = parseCidr(fields.base ?? '');
  const sz = Number(fields.size);
  if (!base || !Number.isInteger(sz) || sz < base.prefix || sz > 32) throw new InvalidParameterError(`invalid default address pool: ${text}`);
  return { base, size: sz };
}

/** dockerd's local default pools: 172.17-31/16, then 192.168.0.0/16 cut in /20s. */
export const DEFAULT_POOLS: AddressPool[] = [
  { base: parseCidr('172.17.0.0/16')!, size: 16 }, { base: parseCidr('172.18.0.0/16')!, size: 16 },
  { base: parseCidr('172.19.0.0/16')!, size: 16 }, { base: parseCidr('172.20.0.0/14')!, size: 16 },
  { base: parseCidr('172.24.0.0/14')!, size: 16 }, { base: parseCidr('172.28.0.0/14')!, size: 16 },
  { base: parseCidr('192.168.0.0/16')!, size: 20 },
];

/** The first subnet of the pools overlapping none of `inUse`. */
export function pickSubnet(pools: readonly AddressPool[], inUse: readonly Cidr[]): Cidr | undefined {
  for (const pool of pools) {
    const step = 2 ** (32 - pool.size);
    for (let b = pool.base.base; b < pool.base.base + size(pool.base); b += step) {
      const c = { base: b >>> 0, prefix: pool.size };
      if (!inUse.some((u) => overlaps(u, c))) return c;
    }
  }
  return undefined;
}

/** dockerd derives a container's MAC from its IPv4 address: 02:42:<ip bytes>. */
export function macFromIp(ip: number): string {
  return ['02', '42', ...[ip >>> 24, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255].map((b) => b.toString(16).padStart(2, '0'))].join(':');
}
