// What the networks router needs (/networks, /networks/create, /networks/{id}, connect,
// disconnect, prune), in the newest shape; shape.ts derives older versions' bodies.

export interface NetworkIpamConfig {
  Subnet?: string;
  IPRange?: string;
  Gateway?: string;
  AuxiliaryAddresses?: Record<string, string>;
}

/** dockerd's network.Summary (GET /networks). */
export interface NetworkSummary {
  Name: string;
  Id: string;
  Created: string;
  Scope: string;
  Driver: string;
  EnableIPv4: boolean;
  EnableIPv6: boolean;
  IPAM: { Driver: string; Options: Record<string, string> | null; Config: NetworkIpamConfig[] };
  Internal: boolean;
  Attachable: boolean;
  Ingress: boolean;
  ConfigFrom: { Network: string };
  ConfigOnly: boolean;
  Containers: Record<string, NetworkEndpointView>;
  Options: Record<string, string>;
  Labels: Record<string, string>;
  /** inspect only (1.52): IPAM allocation statistics per subnet */
  Status?: { IPAM: { Subnets: Record<string, { IPsInUse: number; DynamicIPsAvailable: number }> } };
}

export interface NetworkEndpointView {
  Name: string;
  EndpointID: string;
  MacAddress: string;
  IPv4Address: string;
  IPv6Address: string;
}

export interface NetworkCreateRequest {
  Name: string;
  CheckDuplicate?: boolean;
  Driver?: string;
  Scope?: string;
  Internal?: boolean;
  Attachable?: boolean;
  Ingress?: boolean;
  ConfigOnly?: boolean;
  EnableIPv4?: boolean;
  EnableIPv6?: boolean;
  IPAM?: { Driver?: string; Config?: NetworkIpamConfig[] | null; Options?: Record<string, string> | null } | null;
  Options?: Record<string, string> | null;
  Labels?: Record<string, string> | null;
}

export interface EndpointConfigRequest {
  IPAMConfig?: { IPv4Address?: string; IPv6Address?: string; LinkLocalIPs?: string[] } | null;
  Links?: string[] | null;
  Aliases?: string[] | null;
  MacAddress?: string;
  DriverOpts?: Record<string, string> | null;
  GwPriority?: number;
}

export interface NetworkBackend {
  networkList(filters: Record<string, string[]>): Promise<NetworkSummary[]>;
  /** `scope`: '' or a scope the network must have */
  networkInspect(ref: string, options: { verbose: boolean; scope: string }): Promise<NetworkSummary>;
  networkCreate(req: NetworkCreateRequest): Promise<{ Id: string; Warning: string }>;
  networkRemove(ref: string): Promise<void>;
  networkConnect(ref: string, container: string, config: EndpointConfigRequest): Promise<void>;
  networkDisconnect(ref: string, container: string, force: boolean): Promise<void>;
  networksPrune(filters: Record<string, string[]>): Promise<{ NetworksDeleted: string[] }>;
}
