// What the swarm router needs from the daemon: joining and leaving a swarm, and every read or write
// of cluster state (swarm spec, unlock key, nodes, services, tasks, secrets, configs), which only a
// manager node can serve.

export interface SwarmInitRequest {
  ListenAddr?: string;
  AdvertiseAddr?: string;
  DataPathAddr?: string;
  DataPathPort?: number;
  DefaultAddrPool?: string[] | null;
  SubnetSize?: number;
  ForceNewCluster?: boolean;
  Spec?: { Name?: string } & Record<string, unknown>;
  [key: string]: unknown;
}

export interface SwarmJoinRequest {
  ListenAddr?: string;
  AdvertiseAddr?: string;
  DataPathAddr?: string;
  RemoteAddrs?: string[] | null;
  JoinToken?: string;
  Availability?: string;
  [key: string]: unknown;
}

export type ClusterObject = 'node' | 'service' | 'task' | 'secret' | 'config';

export interface LogsSelector {
  stdout: boolean;
  stderr: boolean;
  follow: boolean;
  timestamps: boolean;
  details: boolean;
  since?: string;
  tail?: string;
}

/** One request against the cluster's state, as the manager's control API takes it. */
export type ClusterRequest =
  | { op: 'inspect-swarm' }
  | { op: 'update-swarm'; version: number; spec: unknown; rotate: { workerToken: boolean; managerToken: boolean; managerUnlockKey: boolean } }
  | { op: 'unlock-key' }
  | { op: 'list'; object: ClusterObject; filters: Record<string, string[]>; status?: boolean }
  | { op: 'inspect'; object: ClusterObject; id: string; insertDefaults?: boolean }
  | { op: 'create'; object: 'service' | 'secret' | 'config'; spec: unknown; registryAuth?: string }
  | { op: 'update'; object: 'node' | 'service' | 'secret' | 'config'; id: string; version: number; spec: unknown; registryAuth?: string }
  | { op: 'remove'; object: 'node' | 'service' | 'secret' | 'config'; id: string; force?: boolean }
  | { op: 'logs'; object: 'service' | 'task'; id: string; options: LogsSelector };

export interface SwarmBackend {
  /** Creates a swarm with this node as its first manager; resolves to the node ID. */
  swarmInit(req: SwarmInitRequest): Promise<string>;
  swarmJoin(req: SwarmJoinRequest): Promise<void>;
  swarmLeave(force: boolean): Promise<void>;
  swarmUnlock(unlockKey: string): Promise<void>;
  /** Manager-only reads and writes; resolves to the JSON the endpoint answers (or log bytes for `logs`). */
  clusterRequest(req: ClusterRequest): Promise<unknown>;
}
