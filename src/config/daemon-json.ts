// daemon.json: the keys of dockerd's configuration file that berthd supports, their types, and
// dockerd's errors for a file that names an unknown key or gives a key a value of the wrong type.
import fs from 'node:fs';

export interface AddressPool { base: string; size: number }
export interface Ulimit { Name: string; Hard: number; Soft: number }
export interface RuntimeEntry { path?: string; runtimeType?: string; runtimeArgs?: string[]; options?: Record<string, unknown> }

/** A parsed daemon.json: every key optional, each with its dockerd name and type. */
export interface DaemonFileConfig {
  hosts?: string[];
  'data-root'?: string;
  'exec-root'?: string;
  containerd?: string;
  'containerd-namespace'?: string;
  'log-level'?: string;
  debug?: boolean;
  pidfile?: string;
  group?: string;
  tls?: boolean;
  tlsverify?: boolean;
  tlscacert?: string;
  tlscert?: string;
  tlskey?: string;
  labels?: string[];
  'live-restore'?: boolean;
  'log-relay'?: boolean;
  'shutdown-timeout'?: number;
  'log-driver'?: string;
  'log-opts'?: Record<string, string>;
  'default-ulimits'?: Record<string, Ulimit>;
  'insecure-registries'?: string[];
  'registry-mirrors'?: string[];
  'max-concurrent-downloads'?: number;
  'max-concurrent-uploads'?: number;
  'max-download-attempts'?: number;
  bip?: string;
  bridge?: string;
  'ip-forward'?: boolean;
  'ip-masq'?: boolean;
  ipv6?: boolean;
  'fixed-cidr-v6'?: string;
  'default-address-pools'?: AddressPool[];
  dns?: string[];
  'dns-opts'?: string[];
  'dns-search'?: string[];
  mtu?: number;
  'userland-proxy'?: boolean;
  'default-runtime'?: string;
  runtimes?: Record<string, RuntimeEntry>;
}

type Kind = 'string' | 'bool' | 'int' | 'strings' | 'stringMap' | 'ulimits' | 'pools' | 'runtimes';

export const FILE_KEYS: Record<keyof DaemonFileConfig, Kind> = {
  hosts: 'strings', 'data-root': 'string', 'exec-root': 'string', containerd: 'string', 'containerd-namespace': 'string',
  'log-level': 'string', debug: 'bool', pidfile: 'string', group: 'string',
  tls: 'bool', tlsverify: 'bool', tlscacert: 'string', tlscert: 'string', tlskey: 'string',
  labels: 'strings', 'live-restore': 'bool', 'shutdown-timeout': 'int',
  'log-driver': 'string', 'log-opts': 'stringMap', 'default-ulimits': 'ulimits',
  'insecure-registries': 'strings', 'registry-mirrors': 'strings',
  'max-concurrent-downloads': 'int', 'max-concurrent-uploads': 'int', 'max-download-attempts': 'int',
  bip: 'string', 'default-address-pools': 'pools', dns: 'strings', 'dns-opts': 'strings', 'dns-search': 'strings',
  mtu: 'int', 'userland-proxy': 'bool', 'default-runtime': 'string', runtimes: 'runtimes',
  ipv6: 'bool', 'fixed-cidr-v6': 'string', bridge: 'string', 'ip-forward': 'bool', 'ip-masq': 'bool',
  'log-relay': 'bool',
};

const GO_TYPE: Record<Kind, string> = {
  string: 'string', bool: 'bool', int: 'int', strings: '[]string', stringMap: 'map[string]string',
  ulimits: 'map[string]*units.Ulimit', pools: '[]*ipamutils.NetworkToSplit', runtimes: 'map[string]system.Runtime',
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  return typeof v === 'object' ? 'object' : typeof v;
}

function fits(kind: Kind, v: unknown): boolean {
  switch (kind) {
    case 'string': return typeof v === 'string';
    case 'bool': return typeof v === 'boolean';
    case 'int': return typeof v === 'number' && Number.isInteger(v);
    case 'strings': return Array.isArray(v) && v.every((x) => typeof x === 'string');
    case 'stringMap': return isObject(v) && Object.values(v).every((x) => typeof x === 'string');
    case 'ulimits': return isObject(v) && Object.values(v).every((u) => isObject(u) && typeof u.Name === 'string'
      && Number.isInteger(u.Hard) && Number.isInteger(u.Soft));
    case 'pools': return Array.isArray(v) && v.every((p) => isObject(p) && typeof p.base === 'string' && Number.isInteger(p.size));
    case 'runtimes': return isObject(v) && Object.values(v).every((r) => isObject(r)
      && (r.path === undefined || typeof r.path === 'string') && (r.runtimeType === undefined || typeof r.runtimeType === 'string')
      && (r.runtimeArgs === undefined || (Array.isArray(r.runtimeArgs) && r.runtimeArgs.every((a) => typeof a === 'string'))));
  }
}

const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'fatal'];

/** The value checks dockerd makes after decoding (config.Validate). */
function validateValues(c: DaemonFileConfig): void {
  if (c['log-level'] !== undefined && !LOG_LEVELS.includes(c['log-level'])) throw new Error(`invalid logging level: ${c['log-level']}`);
  for (const l of c.labels ?? []) if (!/^[^=]+=/.test(l)) throw new Error(`bad attribute format: ${l}`);
  for (const k of ['max-concurrent-downloads', 'max-concurrent-uploads'] as const) {
    const v = c[k];
    if (v !== undefined && v < 0) throw new Error(`invalid ${k.replace(/-/g, ' ')}: ${v}`);
  }
  const attempts = c['max-download-attempts'];
  if (attempts !== undefined && attempts <= 0) throw new Error(`invalid max download attempts: ${attempts}`);
  if (c.mtu !== undefined && (c.mtu < 68 || c.mtu > 65535)) throw new Error(`invalid MTU: ${c.mtu}`);
}

/** Parses daemon.json text; errors say what dockerd's say (minus Go's decoder wording where it differs). */
export function parseDaemonJson(text: string): DaemonFileConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`invalid character in configuration file: ${(err as Error).message}`);
  }
  if (!isObject(raw)) throw new Error(`json: cannot unmarshal ${jsonKind(raw)} into Go value of type map[string]interface {}`);
  const unknown = Object.keys(raw).filter((k) => !(k in FILE_KEYS)).sort();
  if (unknown.length) throw new Error(`the following directives don't match any configuration option: ${unknown.join(', ')}`);
  for (const [key, value] of Object.entries(raw)) {
    const kind = FILE_KEYS[key as keyof DaemonFileConfig];
    if (!fits(kind, value)) throw new Error(`json: cannot unmarshal ${jsonKind(value)} into Go struct field Config.${key} of type ${GO_TYPE[kind]}`);
  }
  const config = raw as DaemonFileConfig;
  validateValues(config);
  return config;
}

/**
 * Reads a daemon.json. A missing file at the default path is an empty configuration; one the
 * operator named must exist. Errors carry dockerd's "unable to configure" prefix.
 */
export function readDaemonJson(file: string, required: boolean): DaemonFileConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !required) return {};
    throw new Error(`unable to configure the Docker daemon with file ${file}: open ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`);
  }
  if (text.trim() === '') return {};
  try {
    return parseDaemonJson(text);
  } catch (err) {
    throw new Error(`unable to configure the Docker daemon with file ${file}: ${(err as Error).message}`);
  }
}
