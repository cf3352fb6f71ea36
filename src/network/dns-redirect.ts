// Inside a container's namespace: 127.0.0.11:53 → the network's DNS listener on its gateway
// (nftables DNAT, with the loopback source rewritten so the packet may leave through eth*, and
// route_localnet so the kernel routes it at all). One nsenter per container.
import { run } from './iproute.js';

export function redirectRules(gateway: string): string {
  return [
    'table ip berth_dns {',
    '  chain output { type nat hook output priority -100; policy accept;',
    `    ip daddr 127.0.0.11 udp dport 53 dnat to ${gateway}:53`,
    `    ip daddr 127.0.0.11 tcp dport 53 dnat to ${gateway}:53`,
    '  }',
    '  chain postrouting { type nat hook postrouting priority 100; policy accept;',
    `    ip saddr 127.0.0.0/8 ip daddr ${gateway} masquerade`,
    '  }',
    '}',
  ].join('\n') + '\n';
}

export async function installRedirect(netnsPath: string, gateway: string): Promise<void> {
  await run('nsenter', [`--net=${netnsPath}`, 'sh', '-c',
    // each start has a fresh namespace, so the table is new: no delete first (one fork fewer)
    'echo 1 > /proc/sys/net/ipv4/conf/all/route_localnet && exec nft -f -'], redirectRules(gateway));
}
