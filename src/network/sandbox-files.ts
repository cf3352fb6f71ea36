// The network's part of a container's /etc/hosts and /etc/resolv.conf (pure): its own addresses
// for its hostname, and the embedded DNS server on user-defined networks.

/** Replaces the loopback line berthd wrote for the hostname with the container's addresses. */
export function hostsWithAddresses(current: string, addresses: readonly string[], hostname: string, domainname: string, links: readonly string[] = []): string {
  const fqdn = domainname ? `${hostname}.${domainname} ${hostname}` : hostname;
  const own = addresses.length > 0 ? addresses.map((a) => `${a}\t${fqdn}`) : [`127.0.1.1\t${fqdn}`];
  const lines = current.split('\n').filter((l) => l !== '' && !l.startsWith('127.0.1.1\t') && l.split('\t')[1] !== fqdn && !links.includes(l));
  return [...lines, ...links, ...own].join('\n') + '\n';
}

export const EMBEDDED_DNS = '127.0.0.11';

/** dockerd on user-defined networks: nameserver 127.0.0.11 (the rest kept), options ndots:0. */
export function resolvForNetwork(current: string): string {
  const kept = current.split('\n').filter((l) => l.trim() !== '' && !/^\s*nameserver\s/.test(l) && !/^#/.test(l));
  const options = kept.filter((l) => /^\s*options\s/.test(l));
  const rest = kept.filter((l) => !/^\s*options\s/.test(l));
  const opts = options.length ? options : ['options ndots:0'];
  return [`nameserver ${EMBEDDED_DNS}`, ...rest, ...opts].join('\n') + '\n';
}
