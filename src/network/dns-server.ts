// The embedded DNS server of user-defined networks. One UDP socket per network, bound on the
// network's gateway address (port 53) in berthd itself; inside each container an nft rule sends
// 127.0.0.11:53 there (dns-redirect.ts). Why this design: it costs one nft call per container and
// nothing while idle, needs no helper process per container, and survives a berthd restart (the
// rules stay in the namespaces; berthd binds the gateways again at start).
// It answers names the asking container's networks know (container name, aliases, short ID) and
// nothing else: other names get SERVFAIL. It never contacts another server.
import dgram from 'node:dgram';
import dnsPacket from 'dns-packet';

/** The addresses (of one family) a name has for the container that asks (by its source address). */
export type NameLookup = (clientIp: string, name: string, family: 4 | 6) => string[] | undefined;

const SERVFAIL = 2;
const TTL = 600;

/** Answers one query packet (pure, for tests): undefined for a packet that is not a query. */
export function answer(query: Buffer, clientIp: string, lookup: NameLookup): Buffer | undefined {
  let q: dnsPacket.DecodedPacket;
  try { q = dnsPacket.decode(query); } catch { return undefined; }
  if (q.type !== 'query' || !q.questions?.length) return undefined;
  const question = q.questions[0]!;
  const name = question.name.replace(/\.$/, '').toLowerCase();
  const ips = lookup(clientIp, name, question.type === 'AAAA' ? 6 : 4);
  const base = { type: 'response' as const, id: q.id ?? 0, questions: [question] };
  const rd = q.flag_rd ? dnsPacket.RECURSION_DESIRED : 0;
  if (!ips) return dnsPacket.encode({ ...base, flags: rd | dnsPacket.RECURSION_AVAILABLE | SERVFAIL });
  const answers = question.type === 'A'
    ? ips.map((ip) => ({ type: 'A' as const, class: 'IN' as const, name: question.name, ttl: TTL, data: ip }))
    : question.type === 'AAAA'
      ? ips.map((ip) => ({ type: 'AAAA' as const, class: 'IN' as const, name: question.name, ttl: TTL, data: ip }))
      : [];
  return dnsPacket.encode({ ...base, flags: rd | dnsPacket.RECURSION_AVAILABLE | dnsPacket.AUTHORITATIVE_ANSWER, answers });
}

export class EmbeddedDns {
  private readonly sockets = new Map<string, Promise<dgram.Socket>>();

  constructor(private readonly lookup: NameLookup, private readonly log: (msg: string) => void) {}

  /** Listens on the network's gateway (idempotent). */
  listen(networkId: string, gateway: string): Promise<void> {
    let p = this.sockets.get(networkId);
    if (!p) {
      p = new Promise<dgram.Socket>((resolve, reject) => {
        const sock = dgram.createSocket({ type: 'udp4', reuseAddr: true });
        sock.once('error', reject);
        sock.on('message', (msg, rinfo) => {
          const reply = answer(msg, rinfo.address, this.lookup);
          if (reply) sock.send(reply, rinfo.port, rinfo.address);
        });
        sock.bind(53, gateway, () => {
          sock.removeAllListeners('error');
          sock.on('error', (err) => this.log(`dns ${gateway}: ${err.message}`));
          resolve(sock);
        });
      });
      this.sockets.set(networkId, p);
      p.catch(() => this.sockets.delete(networkId));
    }
    return p.then(() => undefined);
  }

  close(networkId: string): void {
    const p = this.sockets.get(networkId);
    this.sockets.delete(networkId);
    void p?.then((s) => s.close(), () => undefined);
  }

  closeAll(): void {
    for (const id of [...this.sockets.keys()]) this.close(id);
  }
}
