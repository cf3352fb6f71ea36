// The OCI runtimes containers can name in HostConfig.Runtime, and the default one. Each resolves to
// a containerd runtime (shim) name and, for the runc v2 shim, the binary it runs (runc, crun, or a
// `--add-runtime name=path` binary), as dockerd's runtimes map does.
export interface RuntimeEntry { path?: string; runtimeType?: string; runtimeArgs?: string[] }

/** What Containers.Create needs: the shim and, for the runc shim, the OCI runtime binary. */
export interface ResolvedRuntime { runtime: string; runtimeBinary?: string }

export const RUNC_SHIM = 'io.containerd.runc.v2';
/** names dockerd reserves (`--add-runtime runc=...` is refused) */
const RESERVED = ['runc', RUNC_SHIM];

export interface RuntimeTableOptions {
  /** --add-runtime and daemon.json `runtimes` */
  added: Record<string, RuntimeEntry>;
  /** --default-runtime / daemon.json `default-runtime`; unset: crun where usable, else runc */
  requestedDefault?: string;
  /** crun's binary when crun starts containers on this host (src/runtime/selection/crun-probe.ts) */
  crunPath?: string;
  /** the containerd runtime name for the runc v2 shim: berthd's shim front (shim-front.ts) when installed */
  runcShim?: string;
}

export class RuntimeTable {
  private readonly entries = new Map<string, RuntimeEntry>();
  readonly defaultName: string;
  /** what containerd is told to run for the runc v2 shim (RUNC_SHIM or the shim front's path) */
  readonly runcShim: string;

  constructor(options: RuntimeTableOptions) {
    this.runcShim = options.runcShim ?? RUNC_SHIM;
    this.entries.set('runc', { path: 'runc' });
    this.entries.set(RUNC_SHIM, { path: RUNC_SHIM });
    if (options.crunPath) this.entries.set('crun', { path: options.crunPath });
    for (const [name, entry] of Object.entries(options.added)) {
      if (RESERVED.includes(name)) throw new Error(`runtime name '${name}' is reserved`);
      if (!entry.path && !entry.runtimeType) throw new Error(`runtime ${name}: either a runtimeType or a path must be configured`);
      if (entry.runtimeArgs?.length) throw new Error(`runtime ${name}: runtimeArgs are not supported by berthd`);
      this.entries.set(name, entry);
    }
    const wanted = options.requestedDefault || (options.crunPath ? 'crun' : 'runc');
    if (!this.entries.has(wanted)) throw new Error(`specified default runtime '${wanted}' does not exist`);
    this.defaultName = wanted;
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  /** `name` ('' or undefined: the default); unknown names are the caller's error (checked at create). */
  resolve(name: string | undefined): ResolvedRuntime {
    const entry = this.entries.get(name || this.defaultName);
    if (!entry || name === 'runc' || name === RUNC_SHIM) return { runtime: this.runcShim };
    if (entry.runtimeType) return { runtime: entry.runtimeType === RUNC_SHIM ? this.runcShim : entry.runtimeType };
    if (entry.path === 'runc' || entry.path === RUNC_SHIM) return { runtime: this.runcShim };
    return { runtime: this.runcShim, runtimeBinary: entry.path };
  }

  /** GET /info `Runtimes` */
  info(): Record<string, RuntimeEntry> {
    return Object.fromEntries([...this.entries].map(([n, e]) => [n, { ...e }]));
  }
}

/** `--add-runtime name=path` values (repeatable). */
export function parseAddRuntime(values: string[]): Record<string, RuntimeEntry> {
  const out: Record<string, RuntimeEntry> = {};
  for (const v of values) {
    const i = v.indexOf('=');
    if (i <= 0 || i === v.length - 1) throw new Error(`invalid value "${v}" for --add-runtime: expected name=path`);
    out[v.slice(0, i)] = { path: v.slice(i + 1) };
  }
  return out;
}
