// NetworkSettings.Networks' endpoints per version (EndpointSettings): DNSNames is 1.44's,
// GwPriority 1.48's (reference/api v1.44.yaml, v1.48.yaml); before 1.45 inspect's Aliases carry the
// short ID and hostname on user-defined networks (CHANGELOG v1.44/v1.45).
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

const PREDEFINED = new Set(['default', 'bridge', 'host', 'none']);

/**
 * Inspect before 1.45: each user-defined network's Aliases also hold the container's short ID and
 * hostname (dockerd did so until 1.45 made Aliases exactly what the client asked for; DNSNames has them).
 */
export function withLegacyAliases<T extends Record<string, unknown>>(c: T, version: string): T {
  const ns = c.NetworkSettings as Record<string, unknown> | undefined;
  const networks = ns?.Networks as Record<string, Record<string, unknown> | null> | undefined;
  if (!versionLt(version, '1.45') || !networks || typeof c.Id !== 'string') return c;
  const hostname = (c.Config as Record<string, unknown> | undefined)?.Hostname;
  const extra = [c.Id.slice(0, 12), ...(typeof hostname === 'string' && hostname ? [hostname] : [])];
  const out: Record<string, unknown> = {};
  for (const [name, ep] of Object.entries(networks)) {
    if (!ep || PREDEFINED.has(name) || name.startsWith('container:')) { out[name] = ep; continue; }
    const aliases = [...((ep.Aliases as string[] | null) ?? []), ...extra];
    out[name] = { ...ep, Aliases: [...new Set(aliases)] };
  }
  return { ...c, NetworkSettings: { ...ns, Networks: out } };
}
