// The swarm backend of a node outside any swarm, which a berthd node always is: swarm mode is not
// implemented. Answers what dockerd's daemon/cluster answers on such a node (errors.go,
// cluster.go errNoManager, swarm.go Init/Join/Leave/UnlockSwarm), except that init and join,
// which would create or join a swarm there, are refused as not implemented.
import type { ClusterRequest, SwarmBackend, SwarmInitRequest, SwarmJoinRequest } from '../api/routers/swarm/backend.js';
import { InvalidParameterError, NotImplementedError, SwarmUnavailableError } from '../errdefs/index.js';

export const NOT_A_MANAGER = 'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.';
export const NOT_IN_SWARM = 'This node is not part of a swarm';
const NO_SWARM_MODE = 'swarm mode is not supported by this engine (berthd)';

/** validateAddr in daemon/cluster/swarm.go: only an empty address is refused before connecting. */
function checkAddr(field: string, addr: string | undefined): void {
  if (!addr) throw new InvalidParameterError(`invalid ${field} "": invalid empty address`);
}

export class NoSwarm implements SwarmBackend {
  async swarmInit(req: SwarmInitRequest): Promise<string> {
    checkAddr('ListenAddr', req.ListenAddr);
    const name = req.Spec?.Name;
    if (name && name !== 'default') throw new InvalidParameterError('swarm spec must be named "default"');
    throw new NotImplementedError(NO_SWARM_MODE);
  }

  async swarmJoin(req: SwarmJoinRequest): Promise<void> {
    checkAddr('ListenAddr', req.ListenAddr);
    const remotes = req.RemoteAddrs ?? [];
    if (remotes.length === 0) throw new InvalidParameterError('at least 1 RemoteAddr is required to join');
    for (const r of remotes) checkAddr('remoteAddr', r);
    throw new NotImplementedError(NO_SWARM_MODE);
  }

  async swarmLeave(): Promise<void> {
    throw new SwarmUnavailableError(NOT_IN_SWARM);
  }

  /** Unlocking needs a locked manager; outside a swarm dockerd answers as for any manager request. */
  async swarmUnlock(): Promise<void> {
    throw new SwarmUnavailableError(NOT_A_MANAGER);
  }

  async clusterRequest(_req: ClusterRequest): Promise<unknown> {
    throw new SwarmUnavailableError(NOT_A_MANAGER);
  }
}
