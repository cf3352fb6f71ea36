// Builds the OCI runtime spec for a container from dockerd's defaults plus small option functions
// `(spec) => void`, one per concern, so later issues add options without touching the defaults.

export interface OciMount {
  destination: string;
  type: string;
  source: string;
  options?: string[];
}

export interface OciDeviceRule {
  allow: boolean;
  type?: string;
  major?: number;
  minor?: number;
  access?: string;
}

export interface OciProcess {
  terminal: boolean;
  consoleSize?: { height: number; width: number };
  user: { uid: number; gid: number; additionalGids?: number[] };
  args: string[];
  env: string[];
  cwd: string;
  capabilities: { bounding: string[]; effective: string[]; permitted: string[]; inheritable?: string[]; ambient?: string[] };
  noNewPrivileges?: boolean;
  apparmorProfile?: string;
  oomScoreAdj?: number;
  rlimits?: Array<{ type: string; hard: number; soft: number }>;
}

export interface OciSpec {
  ociVersion: string;
  process: OciProcess;
  root: { path: string; readonly?: boolean };
  hostname: string;
  domainname?: string;
  mounts: OciMount[];
  linux: {
    namespaces: Array<{ type: string; path?: string }>;
    maskedPaths: string[];
    readonlyPaths: string[];
    resources: { devices: OciDeviceRule[]; [key: string]: unknown };
    cgroupsPath: string;
    sysctl?: Record<string, string>;
    [key: string]: unknown;
  };
  annotations?: Record<string, string>;
}

export type SpecOption = (spec: OciSpec) => void;

/** dockerd's default capability set. */
export const DEFAULT_CAPABILITIES = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
];

/** dockerd's default masked and read-only paths (none for privileged containers). */
export const DEFAULT_MASKED_PATHS: readonly string[] = [
  '/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
  '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware',
];
export const DEFAULT_READONLY_PATHS: readonly string[] = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

export function defaultSpec(): OciSpec {
  const caps = [...DEFAULT_CAPABILITIES];
  return {
    ociVersion: '1.0.2-dev',
    process: {
      terminal: false,
      user: { uid: 0, gid: 0 },
      args: [],
      env: [],
      cwd: '/',
      capabilities: { bounding: caps, effective: [...caps], permitted: [...caps] },
    },
    root: { path: 'rootfs' },
    hostname: '',
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
      { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
      { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
      { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['ro', 'nosuid', 'noexec', 'nodev'] },
      { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
      { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
    ],
    linux: {
      namespaces: [{ type: 'mount' }, { type: 'network' }, { type: 'uts' }, { type: 'pid' }, { type: 'ipc' }],
      maskedPaths: [...DEFAULT_MASKED_PATHS],
      readonlyPaths: [...DEFAULT_READONLY_PATHS],
      resources: {
        devices: [
          { allow: false, access: 'rwm' },
          { allow: true, type: 'c', major: 1, minor: 5, access: 'rwm' },
          { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' },
          { allow: true, type: 'c', major: 1, minor: 9, access: 'rwm' },
          { allow: true, type: 'c', major: 1, minor: 8, access: 'rwm' },
          { allow: true, type: 'c', major: 5, minor: 0, access: 'rwm' },
          { allow: true, type: 'c', major: 5, minor: 1, access: 'rwm' },
          { allow: true, type: 'c', major: 1, minor: 7, access: 'rwm' },
          { allow: true, type: 'c', major: 5, minor: 2, access: 'rwm' },
          { allow: true, type: 'c', major: 136, access: 'rwm' },
          { allow: true, type: 'c', major: 10, minor: 200, access: 'rwm' },
          { allow: false, type: 'c', major: 10, minor: 229, access: 'rwm' },
        ],
      },
      cgroupsPath: '',
    },
  };
}

export function buildSpec(options: SpecOption[]): OciSpec {
  const spec = defaultSpec();
  for (const opt of options) opt(spec);
  return spec;
}

export const withProcessArgs = (args: string[]): SpecOption => (s) => { s.process.args = args; };
export const withEnv = (env: string[]): SpecOption => (s) => { s.process.env = env; };
export const withCwd = (cwd: string): SpecOption => (s) => { s.process.cwd = cwd || '/'; };
export const withHostname = (hostname: string, domainname = ''): SpecOption => (s) => {
  s.hostname = hostname;
  if (domainname) s.domainname = domainname;
};
export const withCgroupsPath = (p: string): SpecOption => (s) => { s.linux.cgroupsPath = p; };

export const withUser = (uid: number, gid: number, additionalGids: number[]): SpecOption => (s) => {
  s.process.user = { uid, gid, ...(additionalGids.length ? { additionalGids } : {}) };
};

/**
 * A pty starts at 0x0 unless told otherwise, and API < 1.42 clients only resize after start, racing
 * the process: start at the client's size when known, else at 24x80, never at 0x0.
 */
export const withTerminal = (tty: boolean, size?: { height: number; width: number }): SpecOption => (s) => {
  s.process.terminal = tty;
  if (!tty) return;
  s.process.consoleSize = size && size.height > 0 && size.width > 0 ? size : { height: 24, width: 80 };
};

/** Bind-mounts files berthd writes (hostname, hosts, resolv.conf) over the image's. */
export const withBindFile = (destination: string, source: string, readonly = false): SpecOption => (s) => {
  s.mounts = s.mounts.filter((m) => m.destination !== destination);
  s.mounts.push({ destination, type: 'bind', source, options: ['rbind', 'rprivate', readonly ? 'ro' : 'rw'] });
};
