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
  insecureRegistries: string[];
  registryMirrors: string[];
  maxConcurrentDownloads: number;
  maxConcurrentUploads: number;
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
      --insecure-registry list    Registries reached without verified TLS (loopback always is)
      --registry-mirror list      Preferred Docker Hub mirrors
      --max-concurrent-downloads int  Max concurrent downloads per pull (default 3)
      --max-concurrent-uploads int    Max concurrent uploads per push (default 5)
  -v, --version                   Print version information and quit
  -h, --help                      Print usage
`;

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
      'insecure-registry': { type: 'string', multiple: true },
      'registry-mirror': { type: 'string', multiple: true },
      'max-concurrent-downloads': { type: 'string' },
      'max-concurrent-uploads': { type: 'string' },
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
    insecureRegistries: values['insecure-registry'] ?? [],
    registryMirrors: values['registry-mirror'] ?? [],
    maxConcurrentDownloads: positiveInt('max-concurrent-downloads', values['max-concurrent-downloads'], 3),
    maxConcurrentUploads: positiveInt('max-concurrent-uploads', values['max-concurrent-uploads'], 5),
  };
}

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`invalid value "${value}" for --${name}: must be a positive integer`);
  return n;
}
