// The network area's records, in dockerd's newest API shape where the API shows them: networks
// (persisted by network-store.ts) and a container's network settings (persisted in its record).

export interface IpamPoolConfig {
  Subnet?: string;
  IPRange?: string;
  Gateway?: string;
  AuxiliaryAddresses?: Record<string, string>;
}

export interface NetworkRecord {
  Name: string;
  Id: string;
  Created: string;
  Scope: 'local';
  Driver: string;
  EnableIPv4: boolean;
  EnableIPv6: boolean;
  IPAM: { Driver: string; Options: Record<string, string> | null; Config: IpamPoolConfig[] };
  Internal: boolean;
  Attachable: boolean;
  Ingress: boolean;
  ConfigFrom: { Network: string };
  ConfigOnly: boolean;
  Options: Record<string, string>;
  Labels: Record<string, string>;
  /** the Linux bridge ('' for host/none) */
  bridge: string;
  /** the predefined networks (bridge, host, none) cannot be removed */
  predefined?: boolean;
}

export interface EndpointIpamConfig { IPv4Address?: string; IPv6Address?: string; LinkLocalIPs?: string[] }

/** dockerd's EndpointSettings (NetworkSettings.Networks[name]). */
export interface EndpointSettings {
  IPAMConfig: EndpointIpamConfig | null;
  Links: string[] | null;
  Aliases: string[] | null;
  MacAddress: string;
  DriverOpts: Record<string, string> | null;
  GwPriority: number;
  NetworkID: string;
  EndpointID: string;
  Gateway: string;
  IPAddress: string;
  IPPrefixLen: number;
  IPv6Gateway: string;
  GlobalIPv6Address: string;
  GlobalIPv6PrefixLen: number;
  DNSNames: string[] | null;
}

export interface PortBindingView { HostIp: string; HostPort: string }
/** "80/tcp" → bindings, null for an exposed port that is not published */
export type PortMap = Record<string, PortBindingView[] | null>;

/** What a container's record keeps about its networking (dockerd keeps it in config.v2.json). */
export interface ContainerNetworkSettings {
  SandboxID: string;
  SandboxKey: string;
  Ports: PortMap;
  Networks: Record<string, EndpointSettings>;
  /** berthd's, not the API's: set while the container runs on a bridge network */
  sandbox?: SandboxState;
}

export function emptyEndpoint(networkId = ''): EndpointSettings {
  return {
    IPAMConfig: null, Links: null, Aliases: null, MacAddress: '', DriverOpts: null, GwPriority: 0,
    NetworkID: networkId, EndpointID: '', Gateway: '', IPAddress: '', IPPrefixLen: 0, IPv6Gateway: '',
    GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0, DNSNames: null,
  };
}

/** An endpoint as a client asks for it (NetworkingConfig.EndpointsConfig[name], connect's EndpointConfig). */
export interface EndpointRequest {
  IPAMConfig?: EndpointIpamConfig | null;
  Links?: string[] | null;
  Aliases?: string[] | null;
  MacAddress?: string;
  DriverOpts?: Record<string, string> | null;
  /** 1.48: the endpoint with the highest priority gives the container its default gateway */
  GwPriority?: number;
}

export interface NetworkingConfigRequest { EndpointsConfig?: Record<string, EndpointRequest | null> | null }

/** berthd's own part of a running container's networking (not shown by the API). */
export interface SandboxState {
  /** the named network namespace (ip netns) */
  netns: string;
  /** network name → the container's interface and its host veth peer */
  interfaces: Record<string, { ifname: string; hostIf: string }>;
  /** the namespace exists (made with the first interface, or alone for a container without one) */
  created?: boolean;
  /** the gateway 127.0.0.11 is redirected to, once the embedded DNS is set up */
  dns?: string;
  /** the IPv6 gateway of the default IPv6 route, once an interface with IPv6 has it */
  route6?: string;
}
