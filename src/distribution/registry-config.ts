// Registry settings of the daemon (dockerd's registry.ServiceOptions): which registries may speak
// plain HTTP, the Docker Hub mirrors, transfer concurrency and where per-registry certificates live.
import dns from 'node:dns';
import net from 'node:net';

export interface RegistryConfig {
  /** CIDRs ("127.0.0.0/8") and host[:port] names allowed without verified TLS */
  insecureRegistries: string[];
  /** Docker Hub mirrors ("https://mirror.example"), tried before Docker Hub itself */
  mirrors: string[];
  maxConcurrentDownloads: number;
  maxConcurrentUploads: number;
  /** directories holding <host>/ca.crt, client.cert, client.key (dockerd's /etc/docker/certs.d) */
  certsDirs: string[];
}

export const DEFAULT_REGISTRY_CONFIG: RegistryConfig = {
  insecureRegistries: [],
  mirrors: [],
  maxConcurrentDownloads: 3,
  maxConcurrentUploads: 5,
  certsDirs: ['/etc/docker/certs.d'],
};

/** dockerd always treats loopback as insecure, whatever the flags say. */
const DEFAULT_INSECURE_CIDRS = ['127.0.0.0/8'];

function inCidr(ip: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  if (!base || bitsText === undefined) return false;
  const bits = Number(bitsText);
  if (net.isIPv4(ip) && net.isIPv4(base)) {
    const toInt = (a: string): number => a.split('.').reduce((n, o) => (n << 8) + Number(o), 0) >>> 0;
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    return ((toInt(ip) & mask) >>> 0) === ((toInt(base) & mask) >>> 0);
  }
  if (net.isIPv6(ip) && net.isIPv6(base)) {
    const list = new net.BlockList();
    list.addSubnet(base, bits, 'ipv6');
    return list.check(ip, 'ipv6');
  }
  return false;
}

/**
 * dockerd's isSecureIndex: a registry named in --insecure-registry, or whose address (the host's
 * IPs when it is a name) lies in an insecure CIDR, may be reached over plain HTTP.
 */
export async function isInsecureRegistry(hostPort: string, config: RegistryConfig): Promise<boolean> {
  const entries = config.insecureRegistries.map((e) => e.replace(/^[a-z]+:\/\//, '').replace(/\/+$/, ''));
  if (entries.includes(hostPort)) return true;
  const cidrs = [...DEFAULT_INSECURE_CIDRS, ...entries.filter((e) => e.includes('/'))];
  const host = hostPort.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  let ips: string[];
  if (net.isIP(host)) ips = [host];
  else {
    try {
      ips = (await dns.promises.lookup(host, { all: true })).map((a) => a.address);
    } catch {
      return false;
    }
  }
  return ips.some((ip) => cidrs.some((c) => inCidr(ip, c)));
}
