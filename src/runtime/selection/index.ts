// Which OCI runtime runs containers: the table of runtimes (runc, crun where it works, --add-runtime),
// the crun probe, and on a hybrid cgroup host the wrapper script the shim runs as crun.
import { probeCrun, type CrunProbe } from './crun-probe.js';
import { installCrunWrapper } from './crun-wrapper.js';
import { parseAddRuntime, RuntimeTable, type RuntimeEntry } from './runtime-table.js';

export { withRuntimes } from './info-overlay.js';
export { RuntimeTable } from './runtime-table.js';

export interface RuntimeSelection {
  table: RuntimeTable;
  crun: CrunProbe;
}

/** Throws (before anything starts) on a bad --add-runtime or an unknown default runtime. */
export function selectRuntimes(options: {
  addRuntimeFlags: string[];
  fileEntries: Record<string, RuntimeEntry>;
  requestedDefault?: string;
  /** where the crun wrapper is written on a hybrid host (under the exec root: stable across restarts) */
  wrapperDir: string;
}): RuntimeSelection {
  let crun = probeCrun();
  let crunBinary = crun.crunPath;
  if (crun.wrapper) {
    try {
      crunBinary = installCrunWrapper(options.wrapperDir, crun.wrapper);
    } catch (err) {
      crun = { reason: `cannot write the crun wrapper: ${(err as Error).message}` };
      crunBinary = undefined;
    }
  }
  const added = { ...options.fileEntries, ...parseAddRuntime(options.addRuntimeFlags) };
  if (options.requestedDefault === 'crun' && !crunBinary && !added.crun) {
    throw new Error(`default runtime crun cannot run containers here: ${crun.reason ?? 'unknown reason'}`);
  }
  const table = new RuntimeTable({
    added,
    ...(options.requestedDefault ? { requestedDefault: options.requestedDefault } : {}),
    ...(crunBinary ? { crunPath: crunBinary } : {}),
  });
  return { table, crun };
}
