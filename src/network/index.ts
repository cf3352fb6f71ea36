// The network area's front: builds the registry, the containers' participant and the API backend,
// and orders their start and stop around the daemon's. berthd constructs one Networking.
import type { NetworkBackend } from '../api/routers/networks/backend.js';
import type { Container } from '../daemon/container.js';
import type { ContainerParticipant } from '../daemon/hooks.js';
import { ContainerNetworking, type NetworkContainers } from './container-networking.js';
import { NO_EVENTS, type NetworkEventSink } from './events.js';
import { parseAddressPool } from './ipam.js';
import { NetworkRegistry } from './network-registry.js';
import { NetworkService } from './network-service.js';

export type { NetworkEventSink, NetworkEvent } from './events.js';

export interface NetworkingOptions {
  dataRoot: string;
  /** -b/--bridge: the default bridge's Linux bridge ('none': no default bridge network) */
  bridge?: string;
  /** --bip */
  bip?: string;
  /** --default-address-pool (repeatable) */
  defaultAddressPools?: string[];
  /** --ip-masq (default true) */
  ipMasq?: boolean;
  /** --ip-forward (default true) */
  ipForward?: boolean;
  /** --ipv6 and --fixed-cidr-v6: IPv6 on the default bridge */
  ipv6?: boolean;
  fixedCidrV6?: string;
  containers: NetworkContainers;
  events?: NetworkEventSink;
  log: (msg: string) => void;
  /** debug-level timing of the start path's network setup */
  trace?: (msg: string) => void;
}

export class Networking {
  readonly registry: NetworkRegistry;
  readonly endpoints: ContainerNetworking;
  readonly api: NetworkBackend;

  constructor(o: NetworkingOptions) {
    const events = o.events ?? NO_EVENTS;
    const pools = o.defaultAddressPools?.map(parseAddressPool);
    this.registry = new NetworkRegistry({
      dataRoot: o.dataRoot, bridgeName: o.bridge || 'berth0', ...(o.bip ? { bip: o.bip } : {}), ...(pools?.length ? { pools } : {}), log: o.log,
      ...(o.ipMasq !== undefined ? { ipMasq: o.ipMasq } : {}), ...(o.ipForward !== undefined ? { ipForward: o.ipForward } : {}),
      ...(o.ipv6 ? { ipv6: true } : {}), ...(o.fixedCidrV6 ? { fixedCidrV6: o.fixedCidrV6 } : {}),
    });
    this.endpoints = new ContainerNetworking(this.registry, o.containers, events, o.log, o.trace);
    this.api = new NetworkService(this.registry, this.endpoints, o.containers, events);
  }

  get participant(): ContainerParticipant { return this.endpoints; }

  /**
   * For stats (per-interface rx/tx): a running container's network namespace and its interfaces
   * with their host veth peers; undefined when it has no namespace of berthd's (host, container:, stopped).
   */
  interfacesOf(c: Container): ReturnType<ContainerNetworking['interfacesOf']> {
    return this.endpoints.interfacesOf(c);
  }

  /** Before the daemon restores containers: networks and bridges exist again. */
  async init(): Promise<void> {
    await this.registry.init();
  }

  /** After the daemon restored containers: running ones keep their addresses and ports. */
  async afterRestore(): Promise<void> {
    await this.endpoints.restore();
    await this.endpoints.reopenPorts();
  }

  /** After the daemon stopped its containers: proxies closed, bridges removed. */
  async shutdown(): Promise<void> {
    await this.endpoints.closeAll();
    await this.registry.shutdown();
  }
}
