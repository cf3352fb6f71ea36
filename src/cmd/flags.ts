// berthd's command line, dockerd-style.
import { parseArgs } from 'node:util';

export interface BerthdFlags {
  hosts: string[];
  dataRoot: string;
  execRoot: string;
  containerd?: string;
  containerdNamespace: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  debug: boolean;
  pidfile?: string;
  group?: string;
  help: boolean;
  version: boolean;
  /** -b/--bridge: the default bridge network's Linux bridge ('none' disables it) */
  bridge?: string;
  /** --bip: the default bridge's address and prefix */
  bip?: string;
  /** --default-address-pool base=CIDR,size=N (repeatable) */
  defaultAddressPools: string[];
  /** --ip-masq=false: no outbound NAT for bridge networks */
  ipMasq: boolean;
  /** --ip-forward=false: leave the host's IPv4 forwarding alone */
  ipForward: boolean;
}

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
      --ip-forward=false          Leave the host's IPv4 forwarding alone (default true)
      --ip-masq=false             No IP masquerading for bridge networks (default true)
  -v, --version                   Print version information and quit
  -h, --help                      Print usage
`;

/** dockerd's `--flag=false` booleans (default true). */
function boolFlag(name: string, v: string | undefined): boolean {
  if (v === undefined || v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new Error(`invalid boolean value "${v}" for --${name}`);
}

export function parseFlags(argv: string[]): BerthdFlags {
  const { values } = parseArgs({
    args: argv,
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
      bridge: { type: 'string', short: 'b' },
      bip: { type: 'string' },
      'default-address-pool': { type: 'string', multiple: true },
      'ip-forward': { type: 'string' },
      'ip-masq': { type: 'string' },
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
    ...(values.bridge ? { bridge: values.bridge } : {}),
    ...(values.bip ? { bip: values.bip } : {}),
    defaultAddressPools: values['default-address-pool'] ?? [],
    ipMasq: boolFlag('ip-masq', values['ip-masq']),
    ipForward: boolFlag('ip-forward', values['ip-forward']),
  };
}
