// Which OCI runtime runs containers: the table of runtimes (runc, crun where it works, --add-runtime),
// the crun probe, and what the managed containerd needs for crun (its own mount namespace).
import { probeCrun, type CrunProbe } from './crun-probe.js';
import { ensureSharedMount } from './shared-mounts.js';
import { parseAddRuntime, RuntimeTable, type RuntimeEntry } from './runtime-table.js';

export { withRuntimes } from './info-overlay.js';
export { RuntimeTable } from './runtime-table.js';

export interface RuntimeSelection {
  table: RuntimeTable;
  crun: CrunProbe;
}

/** Throws (before anything starts) on a bad --add-runtime or an unknown default runtime. */
export function selectRuntimes(options: {
  managedContainerd: boolean;
  addRuntimeFlags: string[];
  fileEntries: Record<string, RuntimeEntry>;
  requestedDefault?: string;
  /** made shared mounts when the managed containerd needs its own mount namespace for crun */
  sharedMounts: string[];
}): RuntimeSelection {
  let crun = probeCrun(options.managedContainerd, options.requestedDefault === 'crun');
  if (crun.privateMounts) {
    try {
      for (const dir of options.sharedMounts) ensureSharedMount(dir);
    } catch (err) {
      crun = { privateMounts: false, reason: `cannot prepare mount propagation for containerd's namespace: ${(err as Error).message}` };
    }
  }
  const added = { ...options.fileEntries, ...parseAddRuntime(options.addRuntimeFlags) };
  if (options.requestedDefault === 'crun' && !crun.crunPath && !added.crun) {
    throw new Error(`default runtime crun cannot run containers here: ${crun.reason ?? 'unknown reason'}`);
  }
  const table = new RuntimeTable({
    added,
    ...(options.requestedDefault ? { requestedDefault: options.requestedDefault } : {}),
    ...(crun.crunPath ? { crunPath: crun.crunPath } : {}),
  });
  return { table, crun };
}
