// Per-version shaping of swarm requests (newest shape in the backend).
import { versionLt } from '../../../internal/version.js';
import type { SwarmInitRequest } from './backend.js';

/** Fields of POST /swarm/init that older clients cannot have meant; dockerd drops them the same way. */
export function shapeInitRequest(req: SwarmInitRequest, version: string): SwarmInitRequest {
  const out: SwarmInitRequest = { ...req };
  // DefaultAddrPool and SubnetSize came with 1.39, DataPathPort with 1.40
  if (versionLt(version, '1.39')) { delete out.DefaultAddrPool; delete out.SubnetSize; }
  if (versionLt(version, '1.40')) delete out.DataPathPort;
  return out;
}
