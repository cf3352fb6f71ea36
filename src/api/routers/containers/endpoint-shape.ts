// NetworkSettings.Networks' endpoints per version (EndpointSettings): DNSNames is 1.44's,
// GwPriority 1.48's (reference/api v1.44.yaml, v1.48.yaml).
import { versionLt } from '../../../internal/version.js';

export function shapeEndpoints(networks: unknown, version: string): unknown {
  if (!versionLt(version, '1.48') || !networks || typeof networks !== 'object') return networks;
  const out: Record<string, unknown> = {};
  for (const [name, ep] of Object.entries(networks as Record<string, Record<string, unknown> | null>)) {
    if (!ep) { out[name] = ep; continue; }
    const { GwPriority: _g, ...rest } = ep;
    if (versionLt(version, '1.44')) delete rest.DNSNames;
    out[name] = rest;
  }
  return out;
}

/** A container view (list, df) or inspect with its NetworkSettings' endpoints shaped. */
export function withShapedEndpoints<T extends Record<string, unknown>>(c: T, version: string): T {
  const ns = c.NetworkSettings as Record<string, unknown> | undefined;
  if (!versionLt(version, '1.48') || !ns?.Networks) return c;
  return { ...c, NetworkSettings: { ...ns, Networks: shapeEndpoints(ns.Networks, version) } };
}
