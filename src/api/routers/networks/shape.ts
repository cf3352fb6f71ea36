// Per-version shapes of networks (reference/api: the network API is 1.21's; Internal and EnableIPv6
// 1.22; Created, Attachable 1.25 (CHANGELOG); Ingress 1.29; ConfigFrom/ConfigOnly 1.30; EnableIPv4
// 1.47; inspect's Status 1.52; the list carries Containers only before 1.28).
import { versionLt } from '../../../internal/version.js';
import type { EndpointConfigRequest, NetworkSummary } from './backend.js';

export function shapeNetwork(n: NetworkSummary, version: string, inList: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { ...n };
  if (inList && !versionLt(version, '1.28')) delete out.Containers;
  if (versionLt(version, '1.52')) delete out.Status;
  if (versionLt(version, '1.47')) delete out.EnableIPv4;
  if (versionLt(version, '1.30')) { delete out.ConfigFrom; delete out.ConfigOnly; }
  if (versionLt(version, '1.29')) delete out.Ingress;
  if (versionLt(version, '1.25')) { delete out.Created; delete out.Attachable; }
  if (versionLt(version, '1.22')) { delete out.Internal; delete out.EnableIPv6; }
  if (versionLt(version, '1.23')) delete out.Labels;
  return out;
}

/**
 * connect's EndpointConfig as the version meant it: GwPriority is 1.48's. The endpoint's MacAddress
 * is applied at every version: dockerd ignored it on connect until 1.54 by a bug (moby#52040), which
 * berthd does not copy.
 */
export function shapeConnectRequest(req: EndpointConfigRequest, version: string): EndpointConfigRequest {
  const out = { ...req };
  if (versionLt(version, '1.48')) delete out.GwPriority;
  return out;
}
