// The networks berthd knows: the predefined ones (bridge, host, none) and user-defined bridge
// networks, persisted in data-root/network/networks.json; their Linux bridges; and the IPv4
// addresses taken in each (rebuilt from the containers' records at start, never persisted twice).
import fs from 'node:fs';
import path from 'node:path';
import { ConflictError, ForbiddenError, InvalidParameterError, NotFoundError } from '../errdefs/index.js';
import { writeJsonAtomicSync } from '../internal/atomic-write.js';
import { generateId } from '../internal/ids.js';
import {
  cidrText, contains, DEFAULT_POOLS, firstHost, intToIp, ipToInt, nextFree, overlaps, parseAddrPrefix, parseCidr, pickSubnet, size,
  type AddressPool, type Cidr,
} from './ipam.js';
import { bigToIp6, cidr6Text, contains6, firstHost6, ip6ToBig, nextFree6, overlaps6, parseCidr6, pickUlaSubnet, type Cidr6 } from './ipam6.js';
import { addBridgeAddress6, deleteLink, disableIpv6, ensureBridge, hostRoutes, hostRoutes6 } from './iproute.js';
import { enableIpForward, installMasquerade, removeMasquerade } from './masquerade.js';
import type { IpamPoolConfig, NetworkRecord } from './types.js';

export interface NetworkRegistryConfig {
  dataRoot: string;
  /** the default bridge's Linux bridge name; 'none' disables the default bridge network */
  bridgeName: string;
  /** --bip: the default bridge's gateway address with its prefix */
  bip?: string;
  /** --default-address-pool */
  pools?: AddressPool[];
  /** --ip-masq: outbound NAT for bridge networks (default true) */
  ipMasq?: boolean;
  /** --ip-forward: turn on the host's IPv4 forwarding (default true) */
  ipForward?: boolean;
  /** --ipv6 with --fixed-cidr-v6: the default bridge's IPv6 subnet */
  ipv6?: boolean;
  fixedCidrV6?: string;
  log: (msg: string) => void;
}

/** A network's IPv4 pool, parsed. */
export interface Pool { subnet: Cidr; range?: Cidr; gateway: number; aux: number[] }

/** A network's IPv6 pool, parsed (EnableIPv6 networks). */
export interface Pool6 { subnet: Cidr6; range?: Cidr6; gateway: bigint; aux: bigint[] }

export const DEFAULT_BRIDGE = 'bridge';

export class NetworkRegistry {
  private readonly networks = new Map<string, NetworkRecord>();
  private readonly taken = new Map<string, Set<number>>();
  private readonly taken6 = new Map<string, Set<bigint>>();
  private readonly file: string;

  constructor(private readonly config: NetworkRegistryConfig) {
    this.file = path.join(config.dataRoot, 'network', 'networks.json');
  }

  get defaultBridgeEnabled(): boolean { return this.config.bridgeName !== 'none'; }

  /** Loads the saved networks, (re)creates the predefined ones and every Linux bridge. */
  async init(): Promise<void> {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    try {
      for (const n of JSON.parse(fs.readFileSync(this.file, 'utf8')) as NetworkRecord[]) this.networks.set(n.Id, n);
    } catch { /* first start */ }
    for (const name of ['host', 'none']) if (!this.byName(name)) this.networks.set(generateId(), this.predefined(name, name === 'host' ? 'host' : 'null', ''));
    const old = this.byName(DEFAULT_BRIDGE);
    if (old) this.networks.delete(old.Id);
    if (this.defaultBridgeEnabled) {
      const n = this.predefined(DEFAULT_BRIDGE, 'bridge', this.config.bridgeName);
      if (old) n.Id = old.Id;
      n.IPAM.Config = [await this.defaultBridgePool()];
      if (this.config.ipv6) {
        // as dockerd: --ipv6 on the default bridge needs its subnet
        const v6 = parseCidr6(this.config.fixedCidrV6 ?? '');
        if (!v6) throw new InvalidParameterError(this.config.fixedCidrV6 ? `invalid --fixed-cidr-v6: ${this.config.fixedCidrV6}` : 'fixed-cidr-v6 must be specified when --ipv6 is enabled');
        n.EnableIPv6 = true;
        n.IPAM.Config.push({ Subnet: cidr6Text(v6), Gateway: bigToIp6(firstHost6(v6)) });
      }
      n.Options = {
        'com.docker.network.bridge.default_bridge': 'true', 'com.docker.network.bridge.enable_icc': 'true',
        'com.docker.network.bridge.enable_ip_masquerade': 'true', 'com.docker.network.bridge.host_binding_ipv4': '0.0.0.0',
        'com.docker.network.bridge.name': this.config.bridgeName, 'com.docker.network.driver.mtu': '1500',
      };
      this.networks.set(n.Id, n);
    }
    for (const n of this.networks.values()) this.taken.set(n.Id, new Set());
    this.save();
    if (this.config.ipForward !== false && this.config.ipMasq !== false) enableIpForward();
    for (const n of this.networks.values()) if (n.Driver === 'bridge') await this.ensureBridgeOf(n);
  }

  private predefined(name: string, driver: string, bridge: string): NetworkRecord {
    return {
      Name: name, Id: generateId(), Created: new Date().toISOString(), Scope: 'local', Driver: driver, EnableIPv4: true, EnableIPv6: false,
      IPAM: { Driver: 'default', Options: null, Config: [] }, Internal: false, Attachable: false, Ingress: false,
      ConfigFrom: { Network: '' }, ConfigOnly: false, Options: {}, Labels: {}, bridge, predefined: true,
    };
  }

  private async defaultBridgePool(): Promise<IpamPoolConfig> {
    if (this.config.bip) {
      const p = parseAddrPrefix(this.config.bip);
      if (!p) throw new InvalidParameterError(`invalid --bip: ${this.config.bip}`);
      return { Subnet: cidrText(p.cidr), Gateway: intToIp(p.addr) };
    }
    const subnet = pickSubnet(DEFAULT_POOLS, await this.subnetsInUse(undefined));
    if (!subnet) throw new Error('could not find an available, non-overlapping IPv4 address pool for the default bridge');
    return { Subnet: cidrText(subnet), Gateway: intToIp(firstHost(subnet)) };
  }

  private async subnetsInUse(except: string | undefined): Promise<Cidr[]> {
    const used: Cidr[] = [];
    for (const n of this.networks.values()) {
      if (n.Id === except) continue;
      for (const c of n.IPAM.Config) { const s = parseCidr(c.Subnet ?? ''); if (s) used.push(s); }
    }
    for (const r of await hostRoutes()) {
      // the host's routes through berthd's own bridges are already counted above
      const s = parseCidr(r.includes('/') ? r : `${r}/32`);
      if (s) used.push(s);
    }
    return used;
  }

  private save(): void {
    writeJsonAtomicSync(this.file, [...this.networks.values()]);
  }

  /** The network's Linux bridge exists, with its gateway address, and is up (idempotent). */
  async ensureBridgeOf(n: NetworkRecord): Promise<void> {
    const pool = this.poolOf(n);
    const mtu = Number(n.Options['com.docker.network.driver.mtu'] ?? 0) || undefined;
    await ensureBridge(n.bridge, pool ? `${intToIp(pool.gateway)}/${pool.subnet.prefix}` : undefined, mtu);
    const pool6 = this.poolOf6(n);
    if (!n.EnableIPv6) disableIpv6(n.bridge);
    else if (pool6) await addBridgeAddress6(n.bridge, `${bigToIp6(pool6.gateway)}/${pool6.subnet.prefix}`);
    if (this.config.ipMasq !== false && pool && n.Options['com.docker.network.bridge.enable_ip_masquerade'] !== 'false') {
      await installMasquerade(n.bridge, cidrText(pool.subnet), n.Internal)
        .catch((err: unknown) => this.config.log(`masquerade for ${n.bridge}: ${(err as Error).message}`));
    }
  }

  list(): NetworkRecord[] {
    return [...this.networks.values()];
  }

  byName(name: string): NetworkRecord | undefined {
    for (const n of this.networks.values()) if (n.Name === name) return n;
    return undefined;
  }

  /** dockerd's lookup order: full ID, full name, then a unique ID prefix. */
  find(ref: string): NetworkRecord | undefined {
    const byId = this.networks.get(ref);
    if (byId) return byId;
    const byName = this.byName(ref);
    if (byName) return byName;
    const matches = ref ? [...this.networks.values()].filter((n) => n.Id.startsWith(ref)) : [];
    if (matches.length > 1) throw new InvalidParameterError(`network ${ref} is ambiguous (${matches.length} matches found based on ID prefix)`);
    return matches[0];
  }

  get(ref: string): NetworkRecord {
    const n = this.find(ref);
    if (!n) throw new NotFoundError(`network ${ref} not found`);
    return n;
  }

  poolOf(n: NetworkRecord): Pool | undefined {
    const c = n.IPAM.Config.find((p) => parseCidr(p.Subnet ?? ''));
    if (!c) return undefined;
    const subnet = parseCidr(c.Subnet!)!;
    const range = c.IPRange ? parseCidr(c.IPRange) : undefined;
    const gateway = c.Gateway ? ipToInt(c.Gateway)! : firstHost(subnet);
    const aux = Object.values(c.AuxiliaryAddresses ?? {}).map((a) => ipToInt(a)).filter((a): a is number => a !== undefined);
    return { subnet, ...(range ? { range } : {}), gateway, aux };
  }

  /** The network's IPv6 pool when it has IPv6 on and an IPv6 subnet. */
  poolOf6(n: NetworkRecord): Pool6 | undefined {
    if (!n.EnableIPv6) return undefined;
    const c = n.IPAM.Config.find((p) => parseCidr6(p.Subnet ?? ''));
    if (!c) return undefined;
    const subnet = parseCidr6(c.Subnet!)!;
    const range = c.IPRange ? parseCidr6(c.IPRange) : undefined;
    const gateway = (c.Gateway ? ip6ToBig(c.Gateway) : undefined) ?? firstHost6(subnet);
    const aux = Object.values(c.AuxiliaryAddresses ?? {}).map((a) => ip6ToBig(a)).filter((a): a is bigint => a !== undefined);
    return { subnet, ...(range ? { range } : {}), gateway, aux };
  }

  /** An IPv6 pool as asked for, checked and completed (the gateway defaults to the subnet's ::1). */
  private ipv6Pool(c: IpamPoolConfig, inUse: Cidr6[]): { out: IpamPoolConfig; subnet: Cidr6 } {
    const subnet = parseCidr6(c.Subnet!);
    if (!subnet) throw new InvalidParameterError(`invalid CIDR address: ${c.Subnet}`);
    if (inUse.some((u) => overlaps6(u, subnet))) throw new ForbiddenError('Pool overlaps with other one on this address space');
    const out: IpamPoolConfig = { Subnet: cidr6Text(subnet) };
    if (c.IPRange) {
      const r = parseCidr6(c.IPRange);
      if (!r || r.prefix < subnet.prefix || !contains6(subnet, r.base)) throw new InvalidParameterError(`no matching subnet for range ${c.IPRange}`);
      out.IPRange = cidr6Text(r);
    }
    if (c.Gateway) {
      const g = ip6ToBig(c.Gateway);
      if (g === undefined) throw new InvalidParameterError(`invalid gateway address ${c.Gateway}`);
      if (!contains6(subnet, g)) throw new InvalidParameterError(`no matching subnet for gateway ${c.Gateway}`);
      out.Gateway = bigToIp6(g);
    } else {
      out.Gateway = bigToIp6(firstHost6(subnet));
    }
    if (c.AuxiliaryAddresses) {
      for (const a of Object.values(c.AuxiliaryAddresses)) {
        const v = ip6ToBig(a);
        if (v === undefined || !contains6(subnet, v)) throw new InvalidParameterError(`no matching subnet for aux-address ${a}`);
      }
      out.AuxiliaryAddresses = c.AuxiliaryAddresses;
    }
    return { out, subnet };
  }

  private subnets6InUse(): Cidr6[] {
    const used: Cidr6[] = [];
    for (const n of this.networks.values()) for (const c of n.IPAM.Config) { const s = parseCidr6(c.Subnet ?? ''); if (s) used.push(s); }
    return used;
  }

  async create(req: Omit<NetworkRecord, 'Id' | 'Created' | 'Scope' | 'bridge' | 'ConfigFrom' | 'ConfigOnly' | 'EnableIPv4'>): Promise<NetworkRecord> {
    if (this.byName(req.Name)) throw new ConflictError(`network with name ${req.Name} already exists`);
    const id = generateId();
    const config: IpamPoolConfig[] = [];
    const inUse = await this.subnetsInUse(undefined);
    // as for IPv4: a subnet the host already routes (its own LAN) is refused, never shadowed
    const hostV6 = (await hostRoutes6()).map((r) => parseCidr6(r.includes('/') ? r : `${r}/128`)).filter((c): c is Cidr6 => c !== undefined);
    const inUse6 = [...this.subnets6InUse(), ...hostV6];
    for (const c of req.IPAM.Config) {
      if (c.Subnet && c.Subnet.includes(':')) {
        const { out, subnet } = this.ipv6Pool(c, inUse6);
        config.push(out);
        inUse6.push(subnet);
        continue;
      }
      const subnet = c.Subnet ? parseCidr(c.Subnet) : undefined;
      if (c.Subnet && !subnet) throw new InvalidParameterError(`invalid CIDR address: ${c.Subnet}`);
      if (subnet && inUse.some((u) => overlaps(u, subnet))) throw new ForbiddenError('Pool overlaps with other one on this address space');
      const chosen = subnet ?? pickSubnet(this.config.pools ?? DEFAULT_POOLS, inUse);
      if (!chosen) throw new ForbiddenError('could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network');
      const out: IpamPoolConfig = { Subnet: cidrText(chosen) };
      if (c.IPRange) {
        const r = parseCidr(c.IPRange);
        if (!r) throw new InvalidParameterError(`invalid CIDR address: ${c.IPRange}`);
        if (!contains(chosen, r.base) || r.prefix < chosen.prefix) throw new InvalidParameterError(`no matching subnet for range ${c.IPRange}`);
        out.IPRange = cidrText(r);
      }
      if (c.Gateway) {
        const g = ipToInt(c.Gateway);
        if (g === undefined) throw new InvalidParameterError(`invalid gateway address ${c.Gateway}`);
        if (!contains(chosen, g)) throw new InvalidParameterError(`no matching subnet for gateway ${c.Gateway}`);
        out.Gateway = c.Gateway;
      } else {
        out.Gateway = intToIp(firstHost(chosen));
      }
      if (c.AuxiliaryAddresses) {
        for (const [k, a] of Object.entries(c.AuxiliaryAddresses)) {
          const v = ipToInt(a);
          if (v === undefined || !contains(chosen, v)) throw new InvalidParameterError(`no matching subnet for aux-address ${a}`);
          void k;
        }
        out.AuxiliaryAddresses = c.AuxiliaryAddresses;
      }
      config.push(out);
      inUse.push(chosen);
    }
    if (req.EnableIPv6 && !config.some((c) => c.Subnet?.includes(':'))) {
      // as dockerd 27+: an IPv6 network without a subnet gets a /64 of the host's ULA /48
      const chosen = pickUlaSubnet(`berth:${this.config.dataRoot}`, inUse6);
      if (!chosen) throw new ForbiddenError('could not find an available, non-overlapping IPv6 address pool among the defaults to assign to the network');
      config.push({ Subnet: cidr6Text(chosen), Gateway: bigToIp6(firstHost6(chosen)) });
    }
    if (!config.some((c) => c.Subnet && !c.Subnet.includes(':'))) {
      const chosen = pickSubnet(this.config.pools ?? DEFAULT_POOLS, inUse);
      if (!chosen) throw new ForbiddenError('could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network');
      config.unshift({ Subnet: cidrText(chosen), Gateway: intToIp(firstHost(chosen)) });
    }
    const bridge = req.Options['com.docker.network.bridge.name'] || `br-${id.slice(0, 12)}`;
    if (bridge.length > 15) throw new InvalidParameterError(`bridge name ${bridge} is too long`);
    const n: NetworkRecord = {
      ...req, Id: id, Created: new Date().toISOString(), Scope: 'local', EnableIPv4: true, ConfigFrom: { Network: '' }, ConfigOnly: false,
      IPAM: { ...req.IPAM, Config: config }, bridge,
    };
    this.networks.set(id, n);
    this.taken.set(id, new Set());
    this.taken6.set(id, new Set());
    try {
      await this.ensureBridgeOf(n);
    } catch (err) {
      this.networks.delete(id);
      throw err;
    }
    this.save();
    return n;
  }

  async remove(n: NetworkRecord): Promise<void> {
    this.networks.delete(n.Id);
    this.taken.delete(n.Id);
    this.taken6.delete(n.Id);
    this.save();
    if (n.Driver === 'bridge') { await deleteLink(n.bridge); await removeMasquerade(n.bridge); }
  }

  /** Marks an address as used (restore, or a static --ip); false when it is already taken. */
  claim(n: NetworkRecord, ip: number): boolean {
    const set = this.taken.get(n.Id) ?? new Set<number>();
    this.taken.set(n.Id, set);
    if (set.has(ip)) return false;
    set.add(ip);
    return true;
  }

  /** The next free address (dockerd: the gateway and aux addresses are never handed out). */
  allocate(n: NetworkRecord, requested?: string): { ip: number; pool: Pool } {
    const pool = this.poolOf(n);
    if (!pool) throw new InvalidParameterError(`network ${n.Name} has no IPv4 pool`);
    const set = this.taken.get(n.Id) ?? new Set<number>();
    this.taken.set(n.Id, set);
    if (requested) {
      const ip = ipToInt(requested);
      if (ip === undefined) throw new InvalidParameterError(`invalid IPv4 address: ${requested}`);
      if (!contains(pool.subnet, ip)) throw new InvalidParameterError(`no configured subnet or ip-range contain the IP address ${requested}`);
      if (set.has(ip) || ip === pool.gateway || pool.aux.includes(ip)) throw new ConflictError(`Address already in use`);
      set.add(ip);
      return { ip, pool };
    }
    const blocked = new Set([...set, pool.gateway, ...pool.aux]);
    const ip = nextFree(pool.subnet, pool.range, blocked);
    if (ip === undefined) throw new ConflictError(`no available IPv4 addresses on this network's address pools: ${n.Name} (${n.Id})`);
    set.add(ip);
    return { ip, pool };
  }

  /**
   * IPAM allocation statistics per subnet (network inspect's Status, 1.52): addresses in use or
   * reserved (network, broadcast, gateway, aux, allocated), and those still free in the IP range.
   */
  ipamStatus(n: NetworkRecord): Record<string, { IPsInUse: number; DynamicIPsAvailable: number }> {
    const pool = this.poolOf(n);
    if (!pool) return {};
    const taken = this.taken.get(n.Id) ?? new Set<number>();
    const bcast = pool.subnet.base + size(pool.subnet) - 1;
    const reserved = new Set([...taken, pool.gateway, ...pool.aux, pool.subnet.base, ...(pool.subnet.prefix < 31 ? [bcast] : [])]);
    const inSubnet = [...reserved].filter((ip) => contains(pool.subnet, ip)).length;
    const r = pool.range ?? pool.subnet;
    const inRange = [...reserved].filter((ip) => contains(r, ip)).length;
    return { [cidrText(pool.subnet)]: { IPsInUse: inSubnet, DynamicIPsAvailable: size(r) - inRange } };
  }

  release(networkId: string, ip: string): void {
    const v = ipToInt(ip);
    if (v !== undefined) this.taken.get(networkId)?.delete(v);
  }

  private takenSet6(n: NetworkRecord): Set<bigint> {
    const set = this.taken6.get(n.Id) ?? new Set<bigint>();
    this.taken6.set(n.Id, set);
    return set;
  }

  /** Marks an IPv6 address as used (restore); false when it is already taken. */
  claim6(n: NetworkRecord, ip: bigint): boolean {
    const set = this.takenSet6(n);
    if (set.has(ip)) return false;
    set.add(ip);
    return true;
  }

  /** The next free IPv6 address or the one asked for; undefined on a network without an IPv6 pool. */
  allocate6(n: NetworkRecord, requested?: string): { ip: bigint; pool: Pool6 } | undefined {
    const pool = this.poolOf6(n);
    if (!pool) {
      if (requested) throw new InvalidParameterError('user specified IP address is supported only when connecting to networks with user configured subnets');
      return undefined;
    }
    const set = this.takenSet6(n);
    if (requested) {
      const ip = ip6ToBig(requested);
      if (ip === undefined) throw new InvalidParameterError(`invalid IPv6 address: ${requested}`);
      if (!contains6(pool.subnet, ip)) throw new InvalidParameterError(`no configured subnet or ip-range contain the IP address ${requested}`);
      if (set.has(ip) || ip === pool.gateway || pool.aux.includes(ip)) throw new ConflictError('Address already in use');
      set.add(ip);
      return { ip, pool };
    }
    const ip = nextFree6(pool.subnet, pool.range, new Set([...set, pool.gateway, ...pool.aux]));
    if (ip === undefined) throw new ConflictError(`no available IPv6 addresses on this network's address pools: ${n.Name} (${n.Id})`);
    set.add(ip);
    return { ip, pool };
  }

  release6(networkId: string, ip: string): void {
    const v = ip6ToBig(ip);
    if (v !== undefined) this.taken6.get(networkId)?.delete(v);
  }

  /** berthd stops: its bridges go (they are made again at the next start). */
  async shutdown(): Promise<void> {
    for (const n of this.networks.values()) if (n.Driver === 'bridge' && n.bridge) { await deleteLink(n.bridge); await removeMasquerade(n.bridge); }
  }
}
