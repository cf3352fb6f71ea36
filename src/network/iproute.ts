// Links, addresses, routes and network namespaces through iproute2 (`ip`), batched so that one
// container's setup costs a few process spawns. Errors carry ip's own message.
import { spawn } from 'node:child_process';
import fs from 'node:fs';

export function run(cmd: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = []; const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString());
      else reject(new Error(`${cmd} ${args.join(' ')}: ${Buffer.concat(err).toString().trim() || `exit ${code}`}`));
    });
    child.stdin.end(input);
  });
}

const ip = (args: string[], input?: string): Promise<string> => run('ip', args, input);
const batch = (lines: string[], netns?: string): Promise<string> =>
  ip([...(netns ? ['-n', netns] : []), '-batch', '-'], lines.join('\n') + '\n');

export function linkExists(name: string): boolean {
  return fs.existsSync(`/sys/class/net/${name}`);
}

/** Creates the bridge with the gateway address (or gives an existing one that address) and brings it up. */
export async function ensureBridge(name: string, gatewayCidr: string | undefined, mtu?: number): Promise<void> {
  const lines: string[] = [];
  if (!linkExists(name)) lines.push(`link add name ${name}${mtu ? ` mtu ${mtu}` : ''} type bridge`, `link set ${name} addrgenmode none`);
  if (gatewayCidr) lines.push(`addr replace ${gatewayCidr} dev ${name}`);
  lines.push(`link set ${name} up`);
  await batch(lines);
}

/** The bridge's IPv6 gateway address (no duplicate address detection, so it is usable at once). */
export async function addBridgeAddress6(name: string, gatewayCidr: string): Promise<void> {
  try { fs.writeFileSync(`/proc/sys/net/ipv6/conf/${name}/disable_ipv6`, '0\n'); } catch { /* IPv6 absent: ip says so below */ }
  await ip(['-6', 'addr', 'replace', gatewayCidr, 'dev', name, 'nodad']);
}

export async function deleteLink(name: string): Promise<void> {
  if (linkExists(name)) await ip(['link', 'del', name]).catch(() => undefined);
}

export const netnsPath = (name: string): string => `/run/netns/${name}`;

export async function createNetns(name: string): Promise<void> {
  await ip(['netns', 'add', name]);
}

export async function deleteNetns(name: string): Promise<void> {
  if (fs.existsSync(netnsPath(name))) await ip(['netns', 'del', name]).catch(() => undefined);
}

export interface VethAttachment {
  netns: string;
  /** the host end, on the bridge */
  hostIf: string;
  bridge: string;
  /** the container end's name (eth0, eth1, ...) */
  ifname: string;
  /** "a.b.c.d/n" */
  address: string;
  mac: string;
  /** default route through this gateway (the container's first network only) */
  defaultGateway?: string;
  /** "x::y/n": the IPv6 address (networks with IPv6) */
  address6?: string;
  /** the default IPv6 route's gateway (the first network with IPv6) */
  defaultGateway6?: string;
  mtu?: number;
  /** bring up lo too (the namespace's first interface) */
  loopback: boolean;
}

/**
 * A veth pair: one end on the bridge, the other in the namespace with its address and route.
 * `createNetns`: the namespace is made in the same `ip` run (a container's first interface).
 */
export async function attachVeth(a: VethAttachment, createNetns = false): Promise<void> {
  const mtu = a.mtu ? ` mtu ${a.mtu}` : '';
  await batch([
    ...(createNetns ? [`netns add ${a.netns}`] : []),
    `link add ${a.hostIf}${mtu} type veth peer name ${a.ifname} address ${a.mac}${mtu} netns ${a.netns}`,
    // no IPv6 link-local address, so no DAD/router-solicitation chatter (IPv6 is not configured)
    `link set ${a.hostIf} addrgenmode none`,
    `link set ${a.hostIf} master ${a.bridge} up`,
  ]);
  await batch([
    ...(a.loopback ? ['link set lo up'] : []),
    `link set ${a.ifname} addrgenmode none`,
    `addr add ${a.address} dev ${a.ifname}`,
    ...(a.address6 ? [`addr add ${a.address6} dev ${a.ifname} nodad`] : []),
    `link set ${a.ifname} up`,
    ...(a.defaultGateway ? [`route add default via ${a.defaultGateway} dev ${a.ifname}`] : []),
    ...(a.defaultGateway6 ? [`route add ::/0 via ${a.defaultGateway6} dev ${a.ifname}`] : []),
  ], a.netns);
}

/** The namespace's default route through `gateway` on `ifname` (added, or moved from another interface). */
export async function replaceDefaultRoute(netns: string, gateway: string, ifname: string): Promise<void> {
  await ip(['-n', netns, 'route', 'replace', 'default', 'via', gateway, 'dev', ifname]);
}

/** Removes one interface from a namespace (its veth peer goes with it). */
export async function detachVeth(netns: string, ifname: string): Promise<void> {
  await ip(['-n', netns, 'link', 'del', ifname]).catch(() => undefined);
}

/** Every IPv4 route's destination on the host (to keep new subnets off networks in use). */
export async function hostRoutes(): Promise<string[]> {
  const out = await ip(['-4', '-o', 'route', 'show']).catch(() => '');
  return out.split('\n').map((l) => l.split(' ')[0] ?? '').filter((d) => d && d !== 'default');
}

/** Every IPv6 route's destination on the host (to keep new IPv6 subnets off networks in use). */
export async function hostRoutes6(): Promise<string[]> {
  const out = await ip(['-6', '-o', 'route', 'show']).catch(() => '');
  return out.split('\n').map((l) => l.split(' ')[0] ?? '').filter((d) => d && d !== 'default' && !d.startsWith('fe80') && !d.startsWith('multicast'));
}

/** No IPv6 on a host-side link (a bridge or veth of a network without IPv6): best effort. */
export function disableIpv6(link: string): void {
  try { fs.writeFileSync(`/proc/sys/net/ipv6/conf/${link}/disable_ipv6`, '1\n'); } catch { /* IPv6 off or absent */ }
}
