// The default NetworkStatsSource: the counters of every interface but loopback in the container's
// network namespace, from /proc/<pid>/net/dev (what dockerd reports per endpoint interface).
// Networking may replace it; with loopback only, stats carry no `networks`, as dockerd's for
// `--network none`.
import fs from 'node:fs';
import type { NetworkStats, NetworkStatsSource } from './types.js';

export function parseNetDev(text: string): Record<string, NetworkStats> {
  const out: Record<string, NetworkStats> = {};
  for (const line of text.split('\n').slice(2)) {
    const i = line.indexOf(':');
    if (i < 0) continue;
    const name = line.slice(0, i).trim();
    if (!name || name === 'lo') continue;
    const f = line.slice(i + 1).trim().split(/\s+/).map(Number);
    out[name] = {
      rx_bytes: f[0] ?? 0, rx_packets: f[1] ?? 0, rx_errors: f[2] ?? 0, rx_dropped: f[3] ?? 0,
      tx_bytes: f[8] ?? 0, tx_packets: f[9] ?? 0, tx_errors: f[10] ?? 0, tx_dropped: f[11] ?? 0,
    };
  }
  return out;
}

export const procNetDevStats: NetworkStatsSource = {
  async networkStats(_id, pid) {
    try {
      return parseNetDev(await fs.promises.readFile(`/proc/${pid}/net/dev`, 'utf8'));
    } catch {
      return undefined;
    }
  },
};
