// A container's networking through its life (a container participant): at create its endpoints
// are recorded from NetworkMode and NetworkingConfig; at start a named network namespace gets one
// veth per bridge network (address from IPAM, MAC from the address), /etc/hosts and resolv.conf
// are written and published ports opened; at exit all of it is undone and the addresses freed.
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { Container } from '../daemon/container.js';
import { extraHostLines, hostsFile } from '../daemon/container-files.js';
import type { ContainerParticipant } from '../daemon/hooks.js';
import { ForbiddenError, InvalidParameterError } from '../errdefs/index.js';
import { generateId } from '../internal/ids.js';
import { withNamespace } from '../oci/namespaces.js';
import type { SpecOption } from '../oci/spec.js';
import type { NetworkEventSink } from './events.js';
import { intToIp, ipToInt, macFromIp } from './ipam.js';
import { bigToIp6, contains6, ip6ToBig } from './ipam6.js';
import { attachVeth, createNetns, deleteNetns, detachVeth, disableIpv6, linkExists, netnsPath, replaceDefaultRoute, run } from './iproute.js';
import { DEFAULT_BRIDGE, type NetworkRegistry } from './network-registry.js';
import { portMap, portRequests } from './port-bindings.js';
import { PortPublisher } from './port-publisher.js';
import { EmbeddedDns } from './dns-server.js';
import { installRedirect } from './dns-redirect.js';
import { linkEnv, linkHostsLine, parseLink } from './links.js';
import { lookupName } from './name-lookup.js';
import { hostsWithAddresses, resolvForNetwork } from './sandbox-files.js';
import { emptyEndpoint, type ContainerNetworkSettings, type EndpointRequest, type EndpointSettings, type NetworkRecord } from './types.js';

/** What the network area needs of the daemon's containers. */
export interface NetworkContainers {
  get(ref: string): Container;
  list(): Container[];
  save(c: Container): void;
}

export type ModeKind = 'bridge' | 'host' | 'none' | 'container' | 'user';

export function modeKind(mode: string | undefined): ModeKind {
  if (!mode || mode === 'default' || mode === 'bridge') return 'bridge';
  if (mode === 'host' || mode === 'none') return mode;
  if (mode.startsWith('container:')) return 'container';
  return 'user';
}

export function settingsOf(c: Container): ContainerNetworkSettings {
  c.record.networkSettings ??= { SandboxID: '', SandboxKey: '', Ports: {}, Networks: {} };
  return c.record.networkSettings;
}

export class ContainerNetworking implements ContainerParticipant {
  readonly name = 'network';
  private readonly ports = new PortPublisher();
  private readonly dns: EmbeddedDns;
  private restored = false;
  /** namespace deletions in flight (shutdown waits for them) */
  private readonly deleting = new Set<Promise<void>>();

  constructor(
    private readonly registry: NetworkRegistry,
    private readonly containers: NetworkContainers,
    private readonly events: NetworkEventSink,
    private readonly log: (msg: string) => void,
    /** debug-level timing */
    private readonly trace?: (msg: string) => void,
  ) {
    this.dns = new EmbeddedDns((ip, name, family) => this.lookupName(ip, name, family), log);
  }

  /** A user-defined network (embedded DNS, network-scoped aliases) rather than a predefined one. */
  private isUserNetwork(name: string): boolean {
    const n = this.registry.byName(name);
    return Boolean(n && !n.predefined && n.Driver === 'bridge');
  }

  /** The embedded DNS's records (name-lookup.ts) over the current containers. */
  lookupName(clientIp: string, name: string, family: 4 | 6 = 4): string[] | undefined {
    const views = this.containers.list().map((c) => ({ name: c.name, networks: c.record.networkSettings?.Networks ?? {} }));
    return lookupName(views, (n) => this.isUserNetwork(n), clientIp, name, family);
  }

  /** Embedded DNS for a running container on a user-defined network: the listener and the redirect. */
  private async enableDns(c: Container): Promise<void> {
    const ns = settingsOf(c);
    if (!ns.sandbox) return;
    const user = Object.entries(ns.Networks).filter(([n, ep]) => ep.Gateway && this.isUserNetwork(n));
    if (user.length === 0) return;
    for (const [, ep] of user) await this.dns.listen(ep.NetworkID, ep.Gateway);
    if (!ns.sandbox.dns) {
      // without nftables the container still runs; only its 127.0.0.11 does not answer
      try {
        await installRedirect(netnsPath(ns.sandbox.netns), user[0]![1].Gateway);
        ns.sandbox.dns = user[0]![1].Gateway;
      } catch (err) {
        this.log(`embedded DNS for ${c.id}: ${(err as Error).message}`);
      }
    }
  }

  /** A removed network's DNS listener goes. */
  networkRemoved(networkId: string): void {
    this.dns.close(networkId);
  }

  /** create: the endpoints it asked for (started later), checked against the networks. */
  async prepare(c: Container): Promise<void> {
    const rec = c.record;
    const mode = rec.hostConfig.NetworkMode;
    const kind = modeKind(mode);
    const requested = rec.networkingConfig?.EndpointsConfig ?? {};
    delete rec.networkingConfig;
    const ns = settingsOf(c);
    ns.Ports = portMap(rec.config.ExposedPorts, null, []);
    if (kind === 'container') return;
    // with no default bridge (--bridge none) a default-mode container joins no network, as dockerd's
    const noDefault = kind === 'bridge' && !this.registry.defaultBridgeEnabled;
    const primary = kind === 'bridge' ? (this.registry.defaultBridgeEnabled ? DEFAULT_BRIDGE : 'none') : mode!;
    // the CLI names the primary endpoint by the mode as given ("default", a name, an ID prefix)
    const isPrimary = (k: string): boolean => k === primary || k === mode || (kind === 'bridge' && (k === 'default' || k === 'bridge'));
    const primaryNet = this.registry.get(primary);
    const primaryKey = Object.keys(requested).find(isPrimary);
    const primaryReq = (primaryKey ? requested[primaryKey] : undefined) ?? {};
    // the container-wide Config.MacAddress (before 1.44) is the primary endpoint's
    if (!primaryReq.MacAddress && rec.config.MacAddress) primaryReq.MacAddress = rec.config.MacAddress;
    if (!noDefault) ns.Networks[primaryNet.Name] = this.endpointFor(c, primaryNet, primaryReq);
    for (const ref of Object.keys(requested).filter((k) => !isPrimary(k))) {
      const net = this.registry.get(ref);
      ns.Networks[net.Name] = this.endpointFor(c, net, requested[ref] ?? {});
    }
  }

  private endpointFor(c: Container, net: NetworkRecord, req: EndpointRequest): EndpointSettings {
    const ep = emptyEndpoint(net.Id);
    const v4 = req.IPAMConfig?.IPv4Address;
    if (v4) {
      if (ipToInt(v4) === undefined) throw new InvalidParameterError(`invalid IPv4 address: ${v4}`);
      if (net.Name === DEFAULT_BRIDGE || net.predefined) throw new InvalidParameterError('user specified IP address is supported on user defined networks only');
      const pool = this.registry.poolOf(net);
      if (!pool || !((ipToInt(v4)! >>> (32 - pool.subnet.prefix)) === (pool.subnet.base >>> (32 - pool.subnet.prefix)))) {
        throw new InvalidParameterError(`no configured subnet or ip-range contain the IP address ${v4}`);
      }
    }
    const v6 = req.IPAMConfig?.IPv6Address;
    if (v6) {
      if (net.Name === DEFAULT_BRIDGE || net.predefined) throw new InvalidParameterError('user specified IP address is supported on user defined networks only');
      const pool6 = this.registry.poolOf6(net);
      if (!pool6) throw new InvalidParameterError('user specified IP address is supported only when connecting to networks with user configured subnets');
      const ip = ip6ToBig(v6);
      if (ip === undefined) throw new InvalidParameterError(`invalid IPv6 address: ${v6}`);
      if (!contains6(pool6.subnet, ip)) throw new InvalidParameterError(`no configured subnet or ip-range contain the IP address ${v6}`);
    }
    if (req.Aliases?.length && (net.Name === DEFAULT_BRIDGE || net.predefined)) {
      throw new InvalidParameterError('network-scoped alias is supported only for containers in user defined networks');
    }
    ep.IPAMConfig = req.IPAMConfig ?? null;
    ep.Aliases = req.Aliases?.length ? [...req.Aliases] : null;
    ep.Links = req.Links?.length ? [...req.Links] : null;
    ep.DriverOpts = req.DriverOpts ?? null;
    ep.MacAddress = req.MacAddress ?? '';
    if (req.GwPriority !== undefined && req.GwPriority !== null) {
      if (!Number.isInteger(req.GwPriority)) throw new InvalidParameterError(`invalid GwPriority: ${String(req.GwPriority)}`);
      ep.GwPriority = req.GwPriority;
    }
    void c;
    return ep;
  }

  /** start: the namespace, one interface per bridge network, the files, the published ports. */
  async beforeTaskStart(c: Container): Promise<SpecOption[]> {
    const kind = modeKind(c.record.hostConfig.NetworkMode);
    if (kind === 'host' || kind === 'container') return [];
    // no bridge network (none, or no default bridge): runc's own namespace with lo is all it needs
    const bridged = Object.entries(settingsOf(c).Networks).some(([n, ep]) => (this.registry.find(ep.NetworkID) ?? this.registry.find(n))?.Driver !== 'null');
    if (!bridged) return [];
    const t0 = performance.now();
    try {
      return await this.setUp(c, kind);
    } finally {
      this.trace?.(`network setup ${c.id.slice(0, 12)}: ${(performance.now() - t0).toFixed(1)}ms`);
    }
  }

  private async setUp(c: Container, kind: ModeKind): Promise<SpecOption[]> {
    await this.restore();
    const ns = settingsOf(c);
    await this.teardown(c, false);
    // a new name each start: the previous run's namespace may still be going away (teardown does not wait)
    const netns = `berth-${c.id.slice(0, 12)}-${crypto.randomBytes(3).toString('hex')}`;
    ns.sandbox = { netns, interfaces: {} };
    ns.SandboxID = generateId();
    ns.SandboxKey = netnsPath(netns);
    try {
      let first = true;
      const joined: Array<[NetworkRecord, EndpointSettings]> = [];
      for (const [name, ep] of Object.entries(ns.Networks)) {
        const net = this.registry.find(ep.NetworkID) ?? this.registry.find(name);
        if (!net) throw new Error(`network ${name} not found`);
        if (net.Driver === 'bridge') joined.push([net, ep]);
      }
      const gateway = gatewayEndpoint(joined);
      for (const [net, ep] of joined) {
        await this.join(c, net, ep, net === gateway);
        first = false;
      }
      if (first) {
        await createNetns(netns);
        ns.sandbox.created = true;
        await attachLoopbackOnly(netns);
      }
      const links = kind === 'bridge' ? this.links(c) : { hosts: [], env: [] };
      if (links.env.length > 0) c.record.linkEnv = links.env; else delete c.record.linkEnv;
      await Promise.all([this.enableDns(c), this.publish(c)]);
      this.writeFiles(c, links.hosts);
      // as dockerd: no IPv6 on the interfaces of networks without it (no link-local chatter either)
      const v6off = Object.entries(ns.sandbox.interfaces).filter(([n]) => !this.registry.byName(n)?.EnableIPv6).map(([, i]) => i.ifname);
      return [
        withNamespace('network', { mode: 'join', path: netnsPath(netns) }),
        ...(v6off.length ? [(spec: Parameters<SpecOption>[0]): void => {
          const sysctl = { ...(spec.linux.sysctl ?? {}) };
          for (const ifname of v6off) sysctl[`net.ipv6.conf.${ifname}.disable_ipv6`] ??= '1';
          spec.linux.sysctl = sysctl;
        }] : []),
        ...(links.env.length ? [(spec: Parameters<SpecOption>[0]): void => { spec.process.env = [...links.env, ...spec.process.env]; }] : []),
      ];
    } catch (err) {
      await this.teardown(c, false);
      throw err;
    }
  }

  /** --link on the default bridge: each linked container must run; its hosts line and env vars. */
  private links(c: Container): { hosts: string[]; env: string[] } {
    const hosts: string[] = [];
    const env: string[] = [];
    for (const link of c.record.hostConfig.Links ?? []) {
      const { name, alias } = parseLink(link);
      const target = this.containers.get(name);
      const ip = target.record.networkSettings?.Networks[DEFAULT_BRIDGE]?.IPAddress;
      if (!target.running || !ip) throw new InvalidParameterError(`Cannot link to a non running container: /${target.name} AS /${c.name}/${alias}`);
      const linked = {
        name: target.name, hostname: target.record.config.Hostname ?? '', ip, env: target.record.config.Env ?? [],
        exposed: Object.keys(target.record.config.ExposedPorts ?? {}),
      };
      hosts.push(linkHostsLine(alias, linked));
      env.push(...linkEnv(c.name, alias, linked));
    }
    return { hosts, env };
  }

  /** One endpoint of a running sandbox: address, veth, and the network's name records. */
  private async join(c: Container, net: NetworkRecord, ep: EndpointSettings, defaultRoute: boolean): Promise<void> {
    const ns = settingsOf(c);
    const sb = ns.sandbox!;
    // a bridge someone deleted under berthd comes back
    if (!linkExists(net.bridge)) await this.registry.ensureBridgeOf(net);
    const { ip, pool } = this.registry.allocate(net, ep.IPAMConfig?.IPv4Address || undefined);
    const ifname = `eth${Object.keys(sb.interfaces).length}`;
    const hostIf = `veth${crypto.randomBytes(4).toString('hex').slice(0, 7)}`;
    const mac = ep.MacAddress || macFromIp(ip);
    let v6: ReturnType<NetworkRegistry['allocate6']>;
    try {
      v6 = this.registry.allocate6(net, ep.IPAMConfig?.IPv6Address || undefined);
    } catch (err) {
      this.registry.release(net.Id, intToIp(ip));
      throw err;
    }
    // the first network with IPv6 carries the default IPv6 route
    const route6 = v6 && !net.Internal && !sb.route6 ? bigToIp6(v6.pool.gateway) : undefined;
    try {
      const mtu = Number(net.Options['com.docker.network.driver.mtu'] ?? 0) || undefined;
      await attachVeth({
        netns: sb.netns, hostIf, bridge: net.bridge, ifname, address: `${intToIp(ip)}/${pool.subnet.prefix}`, mac,
        ...(defaultRoute && !net.Internal ? { defaultGateway: intToIp(pool.gateway) } : {}),
        ...(v6 ? { address6: `${bigToIp6(v6.ip)}/${v6.pool.subnet.prefix}` } : {}),
        ...(route6 ? { defaultGateway6: route6 } : {}),
        ...(mtu ? { mtu } : {}), loopback: Object.keys(sb.interfaces).length === 0,
      }, !sb.created);
      sb.created = true;
      if (route6) sb.route6 = route6;
    } catch (err) {
      this.registry.release(net.Id, intToIp(ip));
      if (v6) this.registry.release6(net.Id, bigToIp6(v6.ip));
      throw err;
    }
    sb.interfaces[net.Name] = { ifname, hostIf };
    if (!net.EnableIPv6) disableIpv6(hostIf);
    Object.assign(ep, {
      NetworkID: net.Id, EndpointID: generateId(), Gateway: intToIp(pool.gateway), IPAddress: intToIp(ip), IPPrefixLen: pool.subnet.prefix,
      IPv6Gateway: v6 ? bigToIp6(v6.pool.gateway) : '', GlobalIPv6Address: v6 ? bigToIp6(v6.ip) : '', GlobalIPv6PrefixLen: v6 ? v6.pool.subnet.prefix : 0,
      MacAddress: mac, DNSNames: net.Name === DEFAULT_BRIDGE ? null : [c.name, c.id.slice(0, 12), ...(ep.Aliases ?? [])],
    });
    this.events.publish({ action: 'connect', id: net.Id, attributes: { container: c.id, name: net.Name, type: net.Driver } });
  }

  private writeFiles(c: Container, linkLines: string[] = []): void {
    const rec = c.record;
    const ns = settingsOf(c);
    // as dockerd: each endpoint's IPv4 address, then its IPv6 address, for the hostname
    const addresses = Object.values(ns.Networks).flatMap((e) => [e.IPAddress, e.GlobalIPv6Address]).filter(Boolean);
    // written afresh each start (the base and ExtraHosts as at create), so no stale address stays
    // ExtraHosts' special "host-gateway" is the default bridge's gateway, as dockerd's default
    const gw = this.registry.byName(DEFAULT_BRIDGE)?.IPAM.Config[0]?.Gateway;
    const extra = extraHostLines(rec.hostConfig.ExtraHosts).map((l) => (gw && l.startsWith('host-gateway\t') ? `${gw}${l.slice('host-gateway'.length)}` : l));
    const base = hostsFile(rec.config.Hostname ?? '', rec.config.Domainname ?? '', extra);
    const hosts = hostsWithAddresses(base, addresses, rec.config.Hostname ?? '', rec.config.Domainname ?? '', linkLines);
    fs.writeFileSync(rec.hostsPath, hosts);
    const onUserNetwork = Object.keys(ns.Networks).some((n) => n !== DEFAULT_BRIDGE && !this.registry.byName(n)?.predefined);
    if (onUserNetwork) fs.writeFileSync(rec.resolvConfPath, resolvForNetwork(fs.readFileSync(rec.resolvConfPath, 'utf8')));
  }

  private async publish(c: Container): Promise<void> {
    const rec = c.record;
    const ns = settingsOf(c);
    const target = Object.values(ns.Networks).find((e) => e.IPAddress);
    const requests = portRequests(rec.config.ExposedPorts, rec.hostConfig.PortBindings, Boolean(rec.hostConfig.PublishAllPorts));
    const published = target
      ? await this.ports.publish(c.id, { name: c.name, endpointId: target.EndpointID }, requests, target.IPAddress)
      : [];
    ns.Ports = portMap(rec.config.ExposedPorts, rec.hostConfig.PortBindings, published);
  }

  /**
   * After berthd restarts: the addresses in the containers' records are taken again. Runs once,
   * before the first address is handed out (restart policies may start containers before the
   * daemon's restore has finished).
   */
  async restore(): Promise<void> {
    if (this.restored) return;
    this.restored = true;
    for (const c of this.containers.list()) {
      const ns = c.record.networkSettings;
      if (!ns) continue;
      for (const ep of Object.values(ns.Networks)) {
        const net = this.registry.find(ep.NetworkID);
        const ip = ipToInt(ep.IPAddress);
        if (net && ip !== undefined) this.registry.claim(net, ip);
        const ip6 = ep.GlobalIPv6Address ? ip6ToBig(ep.GlobalIPv6Address) : undefined;
        if (net && ip6 !== undefined) this.registry.claim6(net, ip6);
      }
    }
  }

  async reopenPorts(): Promise<void> {
    for (const c of this.containers.list()) {
      if (!c.running || !c.record.networkSettings?.sandbox) continue;
      await this.publish(c).catch((err: unknown) => this.log(`ports of ${c.id}: ${(err as Error).message}`));
      await this.enableDns(c).catch((err: unknown) => this.log(`dns of ${c.id}: ${(err as Error).message}`));
    }
  }

  async startFailed(c: Container): Promise<void> {
    await this.teardown(c, false);
  }

  async afterExit(c: Container): Promise<void> {
    await this.teardown(c, true);
  }

  async release(c: Container): Promise<void> {
    await this.teardown(c, false);
  }

  /** Undoes a start: ports, interfaces, namespace, addresses; the endpoints' configuration stays. */
  private async teardown(c: Container, save: boolean): Promise<void> {
    this.ports.close(c.id);
    const ns = c.record.networkSettings;
    if (!ns) return;
    const had = Boolean(ns.sandbox);
    // the namespace (and the veths in it) go in the background: nothing waits on them, and the
    // next start uses another name
    if (ns.sandbox) {
      const netns = ns.sandbox.netns;
      const done = deleteNetns(netns).catch((err: unknown) => this.log(`netns ${netns}: ${(err as Error).message}`));
      this.deleting.add(done);
      void done.finally(() => this.deleting.delete(done));
    }
    delete ns.sandbox;
    for (const ep of Object.values(ns.Networks)) {
      if (ep.IPAddress) {
        this.registry.release(ep.NetworkID, ep.IPAddress);
        const net = this.registry.find(ep.NetworkID);
        if (net) {
          this.events.publish({ action: 'disconnect', id: net.Id, attributes: { container: c.id, name: net.Name, type: net.Driver } });
        }
      }
      if (ep.GlobalIPv6Address) this.registry.release6(ep.NetworkID, ep.GlobalIPv6Address);
      // a MAC derived from the address goes with it; one the client asked for stays
      const derived = ep.IPAddress && ep.MacAddress === macFromIp(ipToInt(ep.IPAddress) ?? 0);
      Object.assign(ep, {
        EndpointID: '', Gateway: '', IPAddress: '', IPPrefixLen: 0, IPv6Gateway: '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0,
        DNSNames: null, MacAddress: derived ? '' : ep.MacAddress,
      });
    }
    ns.SandboxID = ''; ns.SandboxKey = '';
    ns.Ports = portMap(c.record.config.ExposedPorts, null, []);
    if (had && save) this.containers.save(c);
  }

  /** `docker network connect`: recorded, and joined at once when the container runs. */
  async connect(c: Container, net: NetworkRecord, req: EndpointRequest): Promise<void> {
    const kind = modeKind(c.record.hostConfig.NetworkMode);
    if (kind === 'host' || kind === 'container' || kind === 'none' || net.Driver !== 'bridge') {
      throw new ForbiddenError('container sharing network namespace with another container or host cannot be connected to any other network');
    }
    const ns = settingsOf(c);
    if (ns.Networks[net.Name]) throw new ForbiddenError(`endpoint with name ${c.name} already exists in network ${net.Name}`);
    const ep = this.endpointFor(c, net, req);
    await this.restore();
    if (c.running && ns.sandbox) {
      const joined = Object.keys(ns.sandbox.interfaces).map((n) => [this.registry.byName(n), ns.Networks[n]] as const)
        .filter((p): p is readonly [NetworkRecord, EndpointSettings] => Boolean(p[0] && p[1]) && !p[0]!.Internal);
      // a higher GwPriority (1.48) than every gateway-capable endpoint's takes the default route over
      const takesRoute = !net.Internal && joined.length > 0 && joined.every(([, e]) => ep.GwPriority > e.GwPriority);
      await this.join(c, net, ep, Object.keys(ns.sandbox.interfaces).length === 0);
      if (takesRoute) await replaceDefaultRoute(ns.sandbox.netns, ep.Gateway, ns.sandbox.interfaces[net.Name]!.ifname);
      ns.Networks[net.Name] = ep;
      await this.enableDns(c);
      this.writeFiles(c);
    } else {
      ns.Networks[net.Name] = ep;
    }
    this.containers.save(c);
  }

  async disconnect(c: Container, net: NetworkRecord): Promise<void> {
    const ns = settingsOf(c);
    const ep = ns.Networks[net.Name];
    if (!ep) throw new ForbiddenError(`container ${c.id} is not connected to network ${net.Name}`);
    const iface = ns.sandbox?.interfaces[net.Name];
    if (iface && ns.sandbox) {
      await detachVeth(ns.sandbox.netns, iface.ifname);
      delete ns.sandbox.interfaces[net.Name];
      // its default IPv6 route went with the interface: the next network with IPv6 may take it
      if (ns.sandbox.route6 && ns.sandbox.route6 === ep.IPv6Gateway) delete ns.sandbox.route6;
    }
    delete ns.Networks[net.Name];
    if (ep.GlobalIPv6Address) this.registry.release6(net.Id, ep.GlobalIPv6Address);
    if (ep.IPAddress) {
      this.registry.release(net.Id, ep.IPAddress);
      this.events.publish({ action: 'disconnect', id: net.Id, attributes: { container: c.id, name: net.Name, type: net.Driver } });
    }
    this.containers.save(c);
  }

  /** For stats: the namespace and host veths of a running container (per-interface rx/tx). */
  interfacesOf(c: Container): { netns: string; interfaces: Array<{ network: string; ifname: string; hostIf: string }> } | undefined {
    const sb = c.record.networkSettings?.sandbox;
    if (!sb) return undefined;
    return { netns: sb.netns, interfaces: Object.entries(sb.interfaces).map(([network, i]) => ({ network, ...i })) };
  }

  async closeAll(): Promise<void> {
    this.ports.closeAll();
    this.dns.closeAll();
    await Promise.all(this.deleting);
  }
}

/** A container on no bridge network (e.g. `--network none` through the default path): just lo. */
async function attachLoopbackOnly(netns: string): Promise<void> {
  await run('ip', ['-n', netns, 'link', 'set', 'lo', 'up']);
}

/**
 * The network that gives a container its default gateway (CHANGELOG v1.48, GwPriority): the highest
 * GwPriority among the networks that can (not internal), ties to the network whose name sorts first.
 */
export function gatewayEndpoint(joined: ReadonlyArray<readonly [NetworkRecord, EndpointSettings]>): NetworkRecord | undefined {
  let best: [NetworkRecord, EndpointSettings] | undefined;
  for (const [net, ep] of joined) {
    if (net.Internal) continue;
    if (!best || ep.GwPriority > best[1].GwPriority || (ep.GwPriority === best[1].GwPriority && net.Name < best[0].Name)) best = [net, ep];
  }
  return best?.[0];
}
