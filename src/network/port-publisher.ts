// A container's published ports: one proxy per binding (port-proxy.ts), kept by container so
// that its exit closes them. A host port range takes the first free port in it, as dockerd.
import type { PortRequest, PublishedPort } from './port-bindings.js';
import { openTcpProxy, openUdpProxy, type OpenProxy } from './port-proxy.js';

export class PortPublisher {
  private readonly proxies = new Map<string, OpenProxy[]>();

  /**
   * Opens every request towards `containerIp` (SCTP is not proxied). On failure the ports opened
   * so far stay registered for close(); the error has dockerd's wording.
   */
  async publish(containerId: string, endpoint: { name: string; endpointId: string }, requests: readonly PortRequest[], containerIp: string): Promise<PublishedPort[]> {
    this.close(containerId);
    const opened: OpenProxy[] = [];
    this.proxies.set(containerId, opened);
    const published: PublishedPort[] = [];
    for (const r of requests) {
      if (r.proto === 'sctp') continue;
      const hostIp = r.hostIp || '0.0.0.0';
      const open = r.proto === 'tcp' ? openTcpProxy : openUdpProxy;
      let proxy: OpenProxy | undefined;
      let last: unknown;
      for (let port = r.hostPortFrom; port <= r.hostPortTo && !proxy; port++) {
        try {
          proxy = await open({ proto: r.proto, hostIp, hostPort: port, containerIp, containerPort: r.containerPort });
        } catch (err) { last = err; }
      }
      if (!proxy) {
        throw new Error(`driver failed programming external connectivity on endpoint ${endpoint.name} (${endpoint.endpointId}): ${(last as Error).message}`);
      }
      opened.push(proxy);
      published.push({ key: r.key, hostIp, hostPort: proxy.hostPort });
    }
    return published;
  }

  close(containerId: string): void {
    for (const p of this.proxies.get(containerId) ?? []) p.close();
    this.proxies.delete(containerId);
  }

  closeAll(): void {
    for (const id of [...this.proxies.keys()]) this.close(id);
  }
}
