// The userland proxy for published ports: berthd listens on the host address and copies each TCP
// connection (or UDP datagram flow) to the container's address. It works where the host's FORWARD
// policy drops packets, and reaches 127.0.0.1; it lives in berthd, so published ports of running
// containers are opened again when berthd restarts (network-service.ts restores them).
import dgram from 'node:dgram';
import net from 'node:net';

export interface ProxyTarget { proto: 'tcp' | 'udp'; hostIp: string; hostPort: number; containerIp: string; containerPort: number }

export interface OpenProxy { hostPort: number; close(): void }

export function openTcpProxy(t: ProxyTarget): Promise<OpenProxy> {
  const conns = new Set<net.Socket>();
  const server = net.createServer((client) => {
    conns.add(client);
    const upstream = net.connect({ host: t.containerIp, port: t.containerPort });
    conns.add(upstream);
    const end = (): void => { client.destroy(); upstream.destroy(); conns.delete(client); conns.delete(upstream); };
    client.on('error', end); upstream.on('error', end);
    client.on('close', end); upstream.on('close', end);
    client.pipe(upstream); upstream.pipe(client);
  });
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(bindError('tcp', t, err)));
    server.listen({ host: t.hostIp, port: t.hostPort, exclusive: true }, () => {
      server.removeAllListeners('error');
      server.on('error', () => undefined);
      resolve({
        hostPort: (server.address() as net.AddressInfo).port,
        close: () => { server.close(); for (const c of conns) c.destroy(); },
      });
    });
  });
}

const UDP_IDLE_MS = 90_000;

export function openUdpProxy(t: ProxyTarget): Promise<OpenProxy> {
  const sock = dgram.createSocket('udp4');
  const flows = new Map<string, { up: dgram.Socket; timer: NodeJS.Timeout }>();
  sock.on('message', (msg, rinfo) => {
    const key = `${rinfo.address}:${rinfo.port}`;
    let flow = flows.get(key);
    if (!flow) {
      const up = dgram.createSocket('udp4');
      up.on('message', (reply) => sock.send(reply, rinfo.port, rinfo.address));
      up.on('error', () => undefined);
      flow = { up, timer: setTimeout(() => undefined, 0) };
      flows.set(key, flow);
    }
    clearTimeout(flow.timer);
    const f = flow;
    f.timer = setTimeout(() => { f.up.close(); flows.delete(key); }, UDP_IDLE_MS);
    f.timer.unref();
    f.up.send(msg, t.containerPort, t.containerIp);
  });
  return new Promise((resolve, reject) => {
    sock.once('error', (err: NodeJS.ErrnoException) => reject(bindError('udp', t, err)));
    sock.bind({ address: t.hostIp, port: t.hostPort, exclusive: true }, () => {
      sock.removeAllListeners('error');
      sock.on('error', () => undefined);
      resolve({
        hostPort: sock.address().port,
        close: () => { sock.close(); for (const f of flows.values()) { clearTimeout(f.timer); f.up.close(); } flows.clear(); },
      });
    });
  });
}

/** dockerd's wording when the userland proxy cannot bind. */
function bindError(proto: string, t: ProxyTarget, err: NodeJS.ErrnoException): Error {
  const why = err.code === 'EADDRINUSE' ? 'address already in use' : err.code === 'EADDRNOTAVAIL' ? 'cannot assign requested address' : err.message;
  return new Error(`Error starting userland proxy: listen ${proto}4 ${t.hostIp}:${t.hostPort}: bind: ${why}`);
}
