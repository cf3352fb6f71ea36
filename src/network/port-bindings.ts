// From a container's ExposedPorts, PortBindings and PublishAllPorts to the list of ports to
// publish (pure), and the views of what got published: NetworkSettings.Ports and the list's Ports.
import { InvalidParameterError } from '../errdefs/index.js';
import type { PortMap } from './types.js';

export interface PortRequest {
  /** "80/tcp" */
  key: string;
  containerPort: number;
  proto: 'tcp' | 'udp' | 'sctp';
  hostIp: string;
  /** 0: any free port */
  hostPortFrom: number;
  hostPortTo: number;
}

export function parsePortKey(key: string): { port: number; proto: 'tcp' | 'udp' | 'sctp' } {
  const [p = '', proto = 'tcp'] = key.split('/');
  const port = Number(p);
  if (!/^\d+$/.test(p) || port < 1 || port > 65535) throw new InvalidParameterError(`invalid port specification: "${key}"`);
  if (proto !== 'tcp' && proto !== 'udp' && proto !== 'sctp') throw new InvalidParameterError(`invalid proto: ${proto}`);
  return { port, proto };
}

type Binding = { HostIp?: string; HostPort?: string } | null;

export function portRequests(
  exposed: Record<string, unknown> | null | undefined, bindings: Record<string, unknown> | null | undefined, publishAll: boolean,
): PortRequest[] {
  const out: PortRequest[] = [];
  const bound = (bindings ?? {}) as Record<string, Binding[] | null>;
  for (const [key, list] of Object.entries(bound)) {
    const { port, proto } = parsePortKey(key);
    for (const b of list ?? [{}]) {
      const hp = (b?.HostPort ?? '').trim();
      let from = 0; let to = 0;
      if (hp) {
        const m = /^(\d+)(?:-(\d+))?$/.exec(hp);
        if (!m) throw new InvalidParameterError(`invalid port specification: "${hp}"`);
        from = Number(m[1]); to = Number(m[2] ?? m[1]);
        if (from > 65535 || to > 65535 || to < from) throw new InvalidParameterError(`invalid port specification: "${hp}"`);
      }
      out.push({ key: `${port}/${proto}`, containerPort: port, proto, hostIp: b?.HostIp ?? '', hostPortFrom: from, hostPortTo: to });
    }
  }
  if (publishAll) {
    for (const key of Object.keys(exposed ?? {})) {
      const { port, proto } = parsePortKey(key);
      if (Object.hasOwn(bound, `${port}/${proto}`) || Object.hasOwn(bound, key)) continue;
      out.push({ key: `${port}/${proto}`, containerPort: port, proto, hostIp: '', hostPortFrom: 0, hostPortTo: 0 });
    }
  }
  return out;
}

export interface PublishedPort { key: string; hostIp: string; hostPort: number }

/** NetworkSettings.Ports: every exposed or bound port, with its published bindings or null. */
export function portMap(exposed: Record<string, unknown> | null | undefined, bindings: Record<string, unknown> | null | undefined,
  published: readonly PublishedPort[]): PortMap {
  const out: PortMap = {};
  const keyOf = (k: string): string => { const { port, proto } = parsePortKey(k); return `${port}/${proto}`; };
  for (const k of Object.keys(exposed ?? {})) out[keyOf(k)] = null;
  for (const k of Object.keys(bindings ?? {})) out[keyOf(k)] = null;
  for (const p of published) (out[p.key] ??= []).push({ HostIp: p.hostIp, HostPort: String(p.hostPort) });
  return out;
}

/** The list's Ports: one entry per published binding, and one per exposed port without a binding. */
export function summaryPorts(ports: PortMap): Array<{ IP?: string; PrivatePort: number; PublicPort?: number; Type: string }> {
  const out: Array<{ IP?: string; PrivatePort: number; PublicPort?: number; Type: string }> = [];
  for (const [key, list] of Object.entries(ports)) {
    const { port, proto } = parsePortKey(key);
    if (!list || list.length === 0) { out.push({ PrivatePort: port, Type: proto }); continue; }
    for (const b of list) out.push({ IP: b.HostIp, PrivatePort: port, PublicPort: Number(b.HostPort), Type: proto });
  }
  return out;
}
