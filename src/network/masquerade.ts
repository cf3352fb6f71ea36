// Outbound NAT for bridge networks, as dockerd sets it up: traffic from a network's subnet that
// leaves through another interface is masqueraded, and the host forwards for the bridge
// (established replies back in). An internal network may not leave its bridge. Each network has
// its own nftables table (ip berth_<bridge>), so removing a network or stopping berthd removes
// exactly its rules.
import fs from 'node:fs';
import { run } from './iproute.js';

export const tableName = (bridge: string): string => `berth_${bridge.replace(/[^A-Za-z0-9_]/g, '_')}`;

export function masqueradeRules(bridge: string, subnet: string, internal: boolean): string {
  const t = tableName(bridge);
  return [
    // declare, delete and create again: the same script works whether or not a previous run left it
    `table ip ${t} {}`,
    `delete table ip ${t}`,
    `table ip ${t} {`,
    '  chain forward { type filter hook forward priority 0; policy accept;',
    ...(internal
      ? [`    iifname "${bridge}" oifname != "${bridge}" drop`, `    oifname "${bridge}" iifname != "${bridge}" drop`]
      : [`    iifname "${bridge}" accept`, `    oifname "${bridge}" ct state established,related accept`]),
    '  }',
    ...(internal ? [] : [
      '  chain postrouting { type nat hook postrouting priority 100; policy accept;',
      `    ip saddr ${subnet} oifname != "${bridge}" masquerade`,
      '  }',
    ]),
    '}',
  ].join('\n') + '\n';
}

export async function installMasquerade(bridge: string, subnet: string, internal: boolean): Promise<void> {
  await run('nft', ['-f', '-'], masqueradeRules(bridge, subnet, internal));
}

export async function removeMasquerade(bridge: string): Promise<void> {
  await run('nft', ['delete', 'table', 'ip', tableName(bridge)]).catch(() => undefined);
}

/** dockerd's --ip-forward: the host routes between interfaces. */
export function enableIpForward(): void {
  if (fs.readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim() !== '1') fs.writeFileSync('/proc/sys/net/ipv4/ip_forward', '1\n');
}
