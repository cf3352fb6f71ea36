// berthd's command line, dockerd-style.
import { parseArgs } from 'node:util';
import os from 'node:os';
import path from 'node:path';
import { extractBoolFlags } from '../config/bool-flags.js';
import { givenFlags } from '../config/given-flags.js';
import type { CoreFlags } from '../config/merge.js';

/** Every berthd flag: the ones daemon.json can also set (CoreFlags, src/config/merge.ts) and the rest. */
export interface BerthdFlags extends CoreFlags {
  help: boolean;
  version: boolean;
  configFile: string;
  validate: boolean;
  /** -b/--bridge: the default bridge network's Linux bridge ('none' disables it) */
  bridge?: string;
  /** --bip: the default bridge's address and prefix */
  bip?: string;
  /** --default-address-pool base=CIDR,size=N (repeatable) */
  defaultAddressPools: string[];
  insecureRegistries: string[];
  registryMirrors: string[];
  maxConcurrentDownloads: number;
  maxConcurrentUploads: number;
  /** --ip-masq=false: no outbound NAT for bridge networks */
  ipMasq: boolean;
  /** --ip-forward=false: leave the host's IPv4 forwarding alone */
  ipForward: boolean;
  /** --ipv6: IPv6 on the default bridge network (with --fixed-cidr-v6) */
  ipv6: boolean;
  /** --log-relay (default true): container output reaches its log through a copier that outlives berthd (src/logrelay) */
  logRelay: boolean;
  /** --fixed-cidr-v6: the default bridge's IPv6 subnet */
  fixedCidrV6?: string;
  /** --shim-group-size: containers per runc v2 shim (1: one shim each, as dockerd) */
  shimGroupSize: number;
  /** --default-runtime: unset = crun where the host allows it, else runc */
  defaultRuntime?: string;
  /** --add-runtime name=path (repeatable) */
  addRuntimes: string[];
}

const BOOL_FLAGS = ['tls', 'tlsverify', 'live-restore', 'validate', 'ip-forward', 'ip-masq', 'ipv6', 'log-relay'] as const;
const certDir = (): string => process.env.DOCKER_CERT_PATH || path.join(os.homedir(), '.docker');

export const USAGE = `Usage: berthd [OPTIONS]

A Docker Engine API daemon on containerd.

Options:
  -H, --host list                 Daemon socket(s) to listen on (unix://PATH, tcp://HOST:PORT)
                                  (default unix:///var/run/berth.sock)
      --data-root string          Root directory of persistent state (default "/var/lib/berth")
      --exec-root string          Root directory for execution state (default "/var/run/berth")
      --containerd string         containerd socket to use instead of starting one
      --containerd-namespace string  containerd namespace (default "berth")
  -l, --log-level string          Logging level: debug, info, warn, error, fatal (default "info")
  -D, --debug                     Enable debug mode
  -p, --pidfile string            Path for the daemon PID file (default "<exec-root>/berthd.pid")
  -G, --group string              Group for the unix socket (default "docker" when it exists)
  -b, --bridge string             Attach containers to a network bridge (default "berth0"; "none": no default bridge)
      --bip string                Specify network bridge IP
      --default-address-pool list Default address pools for node specific local networks (base=CIDR,size=N)
      --insecure-registry list    Registries reached without verified TLS (loopback always is)
      --registry-mirror list      Preferred Docker Hub mirrors
      --max-concurrent-downloads int  Max concurrent downloads per pull (default 3)
      --max-concurrent-uploads int    Max concurrent uploads per push (default 5)
      --ip-forward=false          Leave the host's IPv4 forwarding alone (default true)
      --ip-masq=false             No IP masquerading for bridge networks (default true)
      --ipv6                      Enable IPv6 networking on the default bridge (needs --fixed-cidr-v6)
      --fixed-cidr-v6 string      IPv6 subnet for the default bridge
  -v, --version                   Print version information and quit
  -h, --help                      Print usage
      --tls                       Use TLS; implied by --tlsverify
      --tlsverify                 Use TLS and verify the remote (clients must present a certificate the CA signed)
      --tlscacert string          Trust certs signed only by this CA (default "~/.docker/ca.pem")
      --tlscert string            Path to TLS certificate file (default "~/.docker/cert.pem")
      --tlskey string             Path to TLS key file (default "~/.docker/key.pem")
      --config-file string        Daemon configuration file (default "/etc/berth/daemon.json")
      --validate                  Validate daemon configuration and exit
      --live-restore              Leave containers running when berthd stops; the next berthd adopts them
      --label list                Set key=value labels to the daemon
      --shim-group-size int       Containers sharing one runc v2 shim; 1 gives each its own (default 20)
      --default-runtime string    Default OCI runtime for containers (default "crun" where it works here, else "runc")
      --add-runtime list          Register an additional OCI runtime (name=path)
      --log-relay                 Container output reaches its log through a copier process that survives a kill -9 of berthd (default true)
`;

/** dockerd's `--flag=false` booleans (default true). */
export function parseFlags(argv: string[]): BerthdFlags {
  const bools = extractBoolFlags(argv, BOOL_FLAGS);
  const { values } = parseArgs({
    args: bools.rest,
    allowPositionals: false,
    options: {
      host: { type: 'string', short: 'H', multiple: true },
      'data-root': { type: 'string' },
      'exec-root': { type: 'string' },
      containerd: { type: 'string' },
      'containerd-namespace': { type: 'string' },
      'log-level': { type: 'string', short: 'l' },
      debug: { type: 'boolean', short: 'D' },
      pidfile: { type: 'string', short: 'p' },
      group: { type: 'string', short: 'G' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
      // trust
      tlscacert: { type: 'string' },
      tlscert: { type: 'string' },
      tlskey: { type: 'string' },
      'config-file': { type: 'string' },
      label: { type: 'string', multiple: true },
      bridge: { type: 'string', short: 'b' },
      bip: { type: 'string' },
      'fixed-cidr-v6': { type: 'string' },
      'default-address-pool': { type: 'string', multiple: true },
      'insecure-registry': { type: 'string', multiple: true },
      'registry-mirror': { type: 'string', multiple: true },
      'max-concurrent-downloads': { type: 'string' },
      'max-concurrent-uploads': { type: 'string' },
      'shim-group-size': { type: 'string' },
      'default-runtime': { type: 'string' },
      'add-runtime': { type: 'string', multiple: true },
    },
  });
  const level = values['log-level'] ?? 'info';
  if (!['debug', 'info', 'warn', 'error', 'fatal'].includes(level)) throw new Error(`invalid log level: ${level}`);
  const execRoot = values['exec-root'] ?? '/var/run/berth';
  return {
    hosts: values.host?.length ? values.host : ['unix:///var/run/berth.sock'],
    dataRoot: values['data-root'] ?? '/var/lib/berth',
    execRoot,
    ...(values.containerd ? { containerd: values.containerd.replace(/^unix:\/\//, '') } : {}),
    containerdNamespace: values['containerd-namespace'] ?? 'berth',
    logLevel: values.debug ? 'debug' : (level as BerthdFlags['logLevel']),
    debug: values.debug ?? false,
    ...(values.pidfile ? { pidfile: values.pidfile } : {}),
    ...(values.group !== undefined ? { group: values.group } : {}),
    help: values.help ?? false,
    version: values.version ?? false,
    // trust
    ...(bools.values.has('tls') ? { tls: bools.values.get('tls')! } : {}),
    ...(bools.values.has('tlsverify') ? { tlsVerify: bools.values.get('tlsverify')! } : {}),
    tlsCaCert: values.tlscacert ?? path.join(certDir(), 'ca.pem'),
    tlsCert: values.tlscert ?? path.join(certDir(), 'cert.pem'),
    tlsKey: values.tlskey ?? path.join(certDir(), 'key.pem'),
    configFile: values['config-file'] ?? '/etc/berth/daemon.json',
    validate: bools.values.get('validate') ?? false,
    liveRestore: bools.values.get('live-restore') ?? false,
    labels: values.label ?? [],
    given: givenFlags(argv),
    ...(values.bridge ? { bridge: values.bridge } : {}),
    ...(values.bip ? { bip: values.bip } : {}),
    defaultAddressPools: values['default-address-pool'] ?? [],
    insecureRegistries: values['insecure-registry'] ?? [],
    registryMirrors: values['registry-mirror'] ?? [],
    maxConcurrentDownloads: positiveInt('max-concurrent-downloads', values['max-concurrent-downloads'], 3),
    maxConcurrentUploads: positiveInt('max-concurrent-uploads', values['max-concurrent-uploads'], 5),
    ipMasq: bools.values.get('ip-masq') ?? true,
    ipForward: bools.values.get('ip-forward') ?? true,
    ipv6: bools.values.get('ipv6') ?? false,
    logRelay: bools.values.get('log-relay') ?? true,
    ...(values['fixed-cidr-v6'] ? { fixedCidrV6: values['fixed-cidr-v6'] } : {}),
    shimGroupSize: positiveInt('shim-group-size', values['shim-group-size'], 20),
    ...(values['default-runtime'] ? { defaultRuntime: values['default-runtime'] } : {}),
    addRuntimes: values['add-runtime'] ?? [],
  };
}

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`invalid value "${value}" for --${name}: must be a positive integer`);
  return n;
}
