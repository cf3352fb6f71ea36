// The embedded DNS's answer to "which addresses has this name, for the container at this
// address" (pure). The asker is found by its source address on a user-defined network; a name
// resolves to the addresses of the containers that carry it (DNSNames: name, short ID, aliases)
// on the user-defined networks the asker is connected to, and the aliases of the asker's own
// endpoint Links ("name:alias") to the linked container.
import { parseLink } from './links.js';
import type { EndpointSettings } from './types.js';

export interface NamedContainer { name: string; networks: Record<string, EndpointSettings> }

/**
 * `family` 6 answers the IPv6 addresses (AAAA): a name known only with IPv4 gives [] (it exists,
 * without an address of that family), as dockerd's NOERROR with no answer.
 */
export function lookupName(
  all: readonly NamedContainer[], isUserNetwork: (network: string) => boolean, clientIp: string, name: string, family: 4 | 6 = 4,
): string[] | undefined {
  const asker = all.find((c) => Object.entries(c.networks).some(([n, ep]) => ep.IPAddress === clientIp && isUserNetwork(n)));
  if (!asker) return undefined;
  const networks = Object.entries(asker.networks).filter(([n, ep]) => ep.EndpointID && isUserNetwork(n)).map(([n]) => n);
  const ips: string[] = [];
  let found = false;
  const add = (ep: EndpointSettings | undefined): void => {
    const ip = family === 6 ? ep?.GlobalIPv6Address : ep?.IPAddress;
    if (ep?.IPAddress) found = true;
    if (ip && !ips.includes(ip)) ips.push(ip);
  };
  for (const n of networks) {
    for (const link of asker.networks[n]!.Links ?? []) {
      const { name: target, alias } = parseLink(link);
      if (alias.toLowerCase() === name) add(all.find((c) => c.name === target)?.networks[n]);
    }
  }
  for (const c of all) {
    for (const n of networks) {
      const ep = c.networks[n];
      if (ep?.IPAddress && ep.DNSNames?.some((d) => d.toLowerCase() === name)) add(ep);
    }
  }
  return found ? ips : undefined;
}
