// The network API over the registry and the containers' endpoints: list with dockerd's filters,
// inspect with the attached containers, create with its checks, remove, connect/disconnect, prune.
import type { EndpointConfigRequest, NetworkBackend, NetworkCreateRequest, NetworkSummary } from '../api/routers/networks/backend.js';
import { ForbiddenError, InvalidParameterError, NotFoundError } from '../errdefs/index.js';
import { labelsMatch, validateFilterNames } from '../internal/filter-args.js';
import { parseFilterTime } from '../internal/go-time.js';
import { modeKind, type ContainerNetworking, type NetworkContainers } from './container-networking.js';
import type { NetworkEventSink } from './events.js';
import type { NetworkRegistry } from './network-registry.js';
import type { NetworkRecord } from './types.js';

const LIST_FILTERS = new Set(['dangling', 'driver', 'id', 'label', 'name', 'scope', 'type']);
const PRUNE_FILTERS = new Set(['until', 'label', 'label!']);
const PREDEFINED = new Set(['bridge', 'host', 'none', 'default']);

export class NetworkService implements NetworkBackend {
  constructor(
    private readonly registry: NetworkRegistry,
    private readonly endpoints: ContainerNetworking,
    private readonly containers: NetworkContainers,
    private readonly events: NetworkEventSink,
  ) {}

  private view(n: NetworkRecord, withContainers: boolean): NetworkSummary {
    const containers: NetworkSummary['Containers'] = {};
    if (withContainers) {
      for (const c of this.containers.list()) {
        const ep = c.record.networkSettings?.Networks[n.Name];
        if (!ep || !ep.EndpointID || ep.NetworkID !== n.Id) continue;
        containers[c.id] = {
          Name: c.name, EndpointID: ep.EndpointID, MacAddress: ep.MacAddress,
          IPv4Address: ep.IPAddress ? `${ep.IPAddress}/${ep.IPPrefixLen}` : '', IPv6Address: ep.GlobalIPv6Address ? `${ep.GlobalIPv6Address}/${ep.GlobalIPv6PrefixLen}` : '',
        };
      }
    }
    return {
      Name: n.Name, Id: n.Id, Created: n.Created, Scope: n.Scope, Driver: n.Driver, EnableIPv4: n.EnableIPv4, EnableIPv6: n.EnableIPv6,
      IPAM: n.IPAM, Internal: n.Internal, Attachable: n.Attachable, Ingress: n.Ingress, ConfigFrom: n.ConfigFrom, ConfigOnly: n.ConfigOnly,
      Containers: containers, Options: n.Options, Labels: n.Labels,
    };
  }

  /** Containers that name the network in their endpoints (running or not). */
  private users(n: NetworkRecord): string[] {
    return this.containers.list().filter((c) => c.record.networkSettings?.Networks[n.Name]?.NetworkID === n.Id).map((c) => c.id);
  }

  private active(n: NetworkRecord): boolean {
    return this.containers.list().some((c) => Boolean(c.record.networkSettings?.Networks[n.Name]?.EndpointID));
  }

  async networkList(filters: Record<string, string[]>): Promise<NetworkSummary[]> {
    validateFilterNames(filters, LIST_FILTERS);
    const f = (k: string): string[] => filters[k] ?? [];
    for (const t of f('type')) if (t !== 'custom' && t !== 'builtin') throw new InvalidParameterError(`invalid filter: 'type'='${t}'`);
    for (const d of f('dangling')) if (!['true', 'false', '1', '0'].includes(d)) throw new InvalidParameterError(`invalid filter 'dangling=${d}'`);
    return this.registry.list().filter((n) => {
      if (f('driver').length && !f('driver').includes(n.Driver)) return false;
      if (f('name').length && !f('name').some((v) => n.Name.includes(v))) return false;
      if (f('id').length && !f('id').some((v) => n.Id.startsWith(v))) return false;
      if (f('scope').length && !f('scope').includes(n.Scope)) return false;
      if (f('label').length && !labelsMatch(f('label'), n.Labels)) return false;
      if (f('type').length && !f('type').includes(n.predefined ? 'builtin' : 'custom')) return false;
      if (f('dangling').length) {
        const dangling = f('dangling')[0] === 'true' || f('dangling')[0] === '1';
        const unused = !n.predefined && this.users(n).length === 0;
        if (dangling !== unused) return false;
      }
      return true;
    }).map((n) => this.view(n, true));
  }

  async networkInspect(ref: string, options: { verbose: boolean; scope: string }): Promise<NetworkSummary> {
    const n = this.registry.get(ref);
    if (options.scope && options.scope !== n.Scope) throw new NotFoundError(`network ${ref} not found`);
    const view = this.view(n, true);
    return n.IPAM.Config.length ? { ...view, Status: { IPAM: { Subnets: this.registry.ipamStatus(n) } } } : view;
  }

  async networkCreate(req: NetworkCreateRequest): Promise<{ Id: string; Warning: string }> {
    if (!req.Name) throw new InvalidParameterError('invalid name: name is required');
    if (PREDEFINED.has(req.Name)) throw new ForbiddenError(`${req.Name} is a pre-defined network and cannot be created`);
    const driver = req.Driver || 'bridge';
    if (driver === 'host' || driver === 'null') throw new ForbiddenError(`only one instance of "${driver}" network is allowed`);
    if (driver !== 'bridge') throw new NotFoundError(`could not find plugin ${driver} in v1 plugin registry: plugin not found`);
    if (req.Scope && req.Scope !== 'local') throw new InvalidParameterError(`invalid scope: ${req.Scope}`);
    const ipam = req.IPAM ?? {};
    if (ipam.Driver && ipam.Driver !== 'default') throw new NotFoundError(`could not find plugin ${ipam.Driver} in v1 plugin registry: plugin not found`);
    const n = await this.registry.create({
      Name: req.Name, Driver: driver, EnableIPv6: Boolean(req.EnableIPv6),
      IPAM: { Driver: 'default', Options: ipam.Options ?? null, Config: ipam.Config ?? [] },
      Internal: Boolean(req.Internal), Attachable: Boolean(req.Attachable), Ingress: Boolean(req.Ingress),
      Options: req.Options ?? {}, Labels: req.Labels ?? {},
    });
    this.events.publish({ action: 'create', id: n.Id, attributes: { name: n.Name, type: n.Driver } });
    return { Id: n.Id, Warning: '' };
  }

  async networkRemove(ref: string): Promise<void> {
    const n = this.registry.get(ref);
    if (n.predefined) throw new ForbiddenError(`${n.Name} is a pre-defined network and cannot be removed`);
    if (this.active(n)) throw new ForbiddenError(`error while removing network: network ${n.Name} id ${n.Id} has active endpoints`);
    for (const id of this.users(n)) {
      const c = this.containers.get(id);
      delete c.record.networkSettings?.Networks[n.Name];
      this.containers.save(c);
    }
    await this.registry.remove(n);
    this.endpoints.networkRemoved(n.Id);
    this.events.publish({ action: 'destroy', id: n.Id, attributes: { name: n.Name, type: n.Driver } });
  }

  async networkConnect(ref: string, container: string, config: EndpointConfigRequest): Promise<void> {
    const n = this.registry.get(ref);
    const c = this.containers.get(container);
    if (n.predefined && n.Name !== 'bridge') throw new ForbiddenError('container cannot be disconnected from host network or connected to host network');
    await c.exclusive(() => this.endpoints.connect(c, n, config));
  }

  async networkDisconnect(ref: string, container: string, force: boolean): Promise<void> {
    const n = this.registry.find(ref);
    let c;
    try { c = this.containers.get(container); } catch (err) {
      if (force && n) return;
      throw err;
    }
    if (!n) throw new NotFoundError(`network ${ref} not found`);
    if (modeKind(c.record.hostConfig.NetworkMode) === 'host' || n.Driver === 'host') {
      throw new ForbiddenError('container cannot be disconnected from host network or connected to host network');
    }
    const target = c;
    await c.exclusive(() => this.endpoints.disconnect(target, n));
  }

  async networksPrune(filters: Record<string, string[]>): Promise<{ NetworksDeleted: string[] }> {
    validateFilterNames(filters, PRUNE_FILTERS);
    const untilValues = filters.until ?? [];
    if (untilValues.length > 1) throw new InvalidParameterError('more than one until filter specified');
    const until = untilValues.length === 1 ? parseFilterTime(untilValues[0]!).getTime() : undefined;
    const deleted: string[] = [];
    for (const n of this.registry.list()) {
      if (n.predefined || this.users(n).length > 0) continue;
      if (until !== undefined && Date.parse(n.Created) >= until) continue;
      if (filters.label?.length && !labelsMatch(filters.label, n.Labels)) continue;
      if (filters['label!']?.length && filters['label!'].some((l) => labelsMatch([l], n.Labels))) continue;
      await this.registry.remove(n);
      this.endpoints.networkRemoved(n.Id);
      this.events.publish({ action: 'destroy', id: n.Id, attributes: { name: n.Name, type: n.Driver } });
      deleted.push(n.Name);
    }
    return { NetworksDeleted: deleted };
  }
}
