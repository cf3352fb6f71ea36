// Command line + daemon.json → one configuration, as dockerd merges them: a key may come from a flag
// or from the file, never both (dockerd's conflict error); a file value replaces only a default.
import type { AddressPool, DaemonFileConfig, RuntimeEntry, Ulimit } from './daemon-json.js';

/** The flags this module knows how to override (src/cmd/flags.ts's BerthdFlags has them all). */
export interface CoreFlags {
  hosts: string[];
  dataRoot: string;
  execRoot: string;
  containerd?: string;
  containerdNamespace: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  debug: boolean;
  pidfile?: string;
  group?: string;
  /** trust: tls/tlsVerify are undefined when not given */
  tls?: boolean;
  tlsVerify?: boolean;
  tlsCaCert: string;
  tlsCert: string;
  tlsKey: string;
  labels: string[];
  liveRestore: boolean;
  given: Set<string>;
}

/** Everything configured, typed, for the areas that read it (registries, network, logging, runtimes). */
export interface DaemonSettings {
  labels: string[];
  debug: boolean;
  logLevel: CoreFlags['logLevel'];
  liveRestore: boolean;
  /** daemon.json `log-relay` (the --log-relay flag wins when given) */
  logRelay?: boolean;
  /** seconds a container gets to stop at shutdown (dockerd's default 15) */
  shutdownTimeout: number;
  logDriver?: string;
  logOpts: Record<string, string>;
  defaultUlimits: Record<string, Ulimit>;
  registries: { insecure: string[]; mirrors: string[] };
  concurrency: { downloads: number; uploads: number; downloadAttempts: number };
  network: {
    bip?: string;
    /** daemon.json `bridge`, `ip-forward`, `ip-masq` (the flags win when given) */
    bridge?: string;
    ipForward?: boolean;
    ipMasq?: boolean;
    ipv6?: boolean;
    fixedCidrV6?: string;
    defaultAddressPools?: AddressPool[];
    dns: string[];
    dnsOptions: string[];
    dnsSearch: string[];
    mtu?: number;
    userlandProxy?: boolean;
  };
  runtimes: { default?: string; entries: Record<string, RuntimeEntry> };
}

/** A daemon.json key's command-line flag, where the names differ (dockerd's plural file keys). */
const FLAG_OF_KEY: Partial<Record<keyof DaemonFileConfig, string>> = {
  hosts: 'host', labels: 'label', 'log-opts': 'log-opt', 'insecure-registries': 'insecure-registry',
  'registry-mirrors': 'registry-mirror', 'default-ulimits': 'default-ulimit', 'default-address-pools': 'default-address-pool',
  runtimes: 'add-runtime', 'dns-opts': 'dns-opt',
};

export function flagOfKey(key: string): string {
  return FLAG_OF_KEY[key as keyof DaemonFileConfig] ?? key;
}

/** Go's %v of a value, as dockerd prints both sides of a conflict. */
function goValue(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(goValue).join(' ')}]`;
  if (v !== null && typeof v === 'object') return `map[${Object.entries(v).map(([k, x]) => `${k}:${goValue(x)}`).join(' ')}]`;
  return String(v);
}

function flagValue(flags: CoreFlags, key: string): unknown {
  const byKey: Record<string, unknown> = {
    hosts: flags.hosts, 'data-root': flags.dataRoot, 'exec-root': flags.execRoot, containerd: flags.containerd,
    'containerd-namespace': flags.containerdNamespace, 'log-level': flags.logLevel, debug: flags.debug, pidfile: flags.pidfile,
    group: flags.group, tls: flags.tls, tlsverify: flags.tlsVerify, tlscacert: flags.tlsCaCert, tlscert: flags.tlsCert,
    tlskey: flags.tlsKey, labels: flags.labels, 'live-restore': flags.liveRestore,
  };
  return byKey[key];
}

/** dockerd's refusal of a key given both ways (config.getConflictFreeConfiguration). */
export function checkConflicts(flags: CoreFlags, file: DaemonFileConfig): void {
  const conflicts = Object.entries(file)
    .filter(([key]) => flags.given.has(flagOfKey(key)))
    .map(([key, value]) => {
      const fromFlag = flagValue(flags, key);
      return `${key}: (from flag: ${fromFlag === undefined ? 'set' : goValue(fromFlag)}, from file: ${goValue(value)})`;
    });
  if (conflicts.length) {
    throw new Error(`the following directives are specified both as a flag and in the configuration file: ${conflicts.join(', ')}`);
  }
}

/** The flags with daemon.json's values in place of defaults. Call checkConflicts first. */
export function mergeFile<T extends CoreFlags>(flags: T, file: DaemonFileConfig): T {
  const out: T = { ...flags };
  if (file.hosts?.length) out.hosts = file.hosts;
  if (file['data-root'] !== undefined) out.dataRoot = file['data-root'];
  if (file['exec-root'] !== undefined) out.execRoot = file['exec-root'];
  if (file.containerd !== undefined) out.containerd = file.containerd.replace(/^unix:\/\//, '');
  if (file['containerd-namespace'] !== undefined) out.containerdNamespace = file['containerd-namespace'];
  if (file['log-level'] !== undefined) out.logLevel = file['log-level'] as CoreFlags['logLevel'];
  if (file.debug !== undefined) out.debug = file.debug;
  if (out.debug) out.logLevel = 'debug';
  if (file.pidfile !== undefined) out.pidfile = file.pidfile;
  if (file.group !== undefined) out.group = file.group;
  if (file.tls !== undefined) out.tls = file.tls;
  if (file.tlsverify !== undefined) out.tlsVerify = file.tlsverify;
  if (file.tlscacert !== undefined) out.tlsCaCert = file.tlscacert;
  if (file.tlscert !== undefined) out.tlsCert = file.tlscert;
  if (file.tlskey !== undefined) out.tlsKey = file.tlskey;
  if (file.labels !== undefined) out.labels = file.labels;
  if (file['live-restore'] !== undefined) out.liveRestore = file['live-restore'];
  return out;
}

/** The typed configuration other areas read (flags for what berthd has flags for, else the file). */
export function settingsOf(flags: CoreFlags, file: DaemonFileConfig): DaemonSettings {
  return {
    labels: flags.labels,
    debug: flags.debug,
    logLevel: flags.logLevel,
    liveRestore: flags.liveRestore,
    shutdownTimeout: file['shutdown-timeout'] ?? 15,
    ...(file['log-relay'] !== undefined ? { logRelay: file['log-relay'] } : {}),
    ...(file['log-driver'] !== undefined ? { logDriver: file['log-driver'] } : {}),
    logOpts: file['log-opts'] ?? {},
    defaultUlimits: file['default-ulimits'] ?? {},
    registries: { insecure: file['insecure-registries'] ?? [], mirrors: file['registry-mirrors'] ?? [] },
    concurrency: {
      downloads: file['max-concurrent-downloads'] ?? 3,
      uploads: file['max-concurrent-uploads'] ?? 5,
      downloadAttempts: file['max-download-attempts'] ?? 5,
    },
    network: {
      ...(file.bip !== undefined ? { bip: file.bip } : {}),
      ...(file.bridge !== undefined ? { bridge: file.bridge } : {}),
      ...(file['ip-forward'] !== undefined ? { ipForward: file['ip-forward'] } : {}),
      ...(file['ip-masq'] !== undefined ? { ipMasq: file['ip-masq'] } : {}),
      ...(file.ipv6 !== undefined ? { ipv6: file.ipv6 } : {}),
      ...(file['fixed-cidr-v6'] !== undefined ? { fixedCidrV6: file['fixed-cidr-v6'] } : {}),
      ...(file['default-address-pools'] !== undefined ? { defaultAddressPools: file['default-address-pools'] } : {}),
      dns: file.dns ?? [],
      dnsOptions: file['dns-opts'] ?? [],
      dnsSearch: file['dns-search'] ?? [],
      ...(file.mtu !== undefined ? { mtu: file.mtu } : {}),
      ...(file['userland-proxy'] !== undefined ? { userlandProxy: file['userland-proxy'] } : {}),
    },
    runtimes: { ...(file['default-runtime'] !== undefined ? { default: file['default-runtime'] } : {}), entries: file.runtimes ?? {} },
  };
}
