// Which OCI runtime runs containers: the table of runtimes (runc, crun where it works, --add-runtime),
// the crun probe, and on a hybrid cgroup host the wrapper script the shim runs as crun.
import { probeCrun, type CrunProbe } from './crun-probe.js';
import { findOnPath } from './crun-probe.js';
import { installCrunWrapper, unmountReadOnlyCrun } from './crun-wrapper.js';
import { installShimFront, type ShimFront } from './shim-front.js';
import { parseAddRuntime, RuntimeTable, type RuntimeEntry } from './runtime-table.js';

export { withRuntimes } from './info-overlay.js';
export { RuntimeTable } from './runtime-table.js';
export { groupSocketPath, type ShimFront } from './shim-front.js';

export interface RuntimeSelection {
  table: RuntimeTable;
  crun: CrunProbe;
  /** the runc v2 shim's front script (shim-front.ts), when installed */
  shimFront?: ShimFront;
  /** after a clean stop (no container left): removes crun's read-only bind mount (the wrapper then runs crun itself) */
  release(): void;
}

/** Throws (before anything starts) on a bad --add-runtime or an unknown default runtime. */
export function selectRuntimes(options: {
  addRuntimeFlags: string[];
  fileEntries: Record<string, RuntimeEntry>;
  requestedDefault?: string;
  /** where the crun wrapper is written on a hybrid host (under the exec root: stable across restarts) */
  wrapperDir: string;
  /** containerd runs containerd-shim-runc-v2 itself (no shim front) */
  noShimFront?: boolean;
}): RuntimeSelection {
  let crun = probeCrun();
  let crunBinary = crun.crunPath;
  if (crun.wrapper) {
    try {
      crunBinary = installCrunWrapper(options.wrapperDir, crun.wrapper, { readOnlyCrun: process.getuid?.() === 0 });
    } catch (err) {
      crun = { reason: `cannot write the crun wrapper: ${(err as Error).message}` };
      crunBinary = undefined;
    }
  }
  // the runc v2 shim through berthd's front (skips containerd's redundant cleanup per deleted task)
  let shimFront: ShimFront | undefined;
  const shim = findOnPath('containerd-shim-runc-v2');
  const busybox = findOnPath('busybox');
  const grep = busybox ? [busybox, 'grep'] : [findOnPath('grep')].filter((g): g is string => !!g);
  if (shim && grep.length && !options.noShimFront) {
    try { shimFront = installShimFront(options.wrapperDir, { shim, grep }); } catch { shimFront = undefined; }
  }
  const added = { ...options.fileEntries, ...parseAddRuntime(options.addRuntimeFlags) };
  if (options.requestedDefault === 'crun' && !crunBinary && !added.crun) {
    throw new Error(`default runtime crun cannot run containers here: ${crun.reason ?? 'unknown reason'}`);
  }
  const table = new RuntimeTable({
    added,
    ...(options.requestedDefault ? { requestedDefault: options.requestedDefault } : {}),
    ...(crunBinary ? { crunPath: crunBinary } : {}),
    ...(shimFront ? { runcShim: shimFront.path } : {}),
  });
  return { table, crun, ...(shimFront ? { shimFront } : {}), release: () => unmountReadOnlyCrun(options.wrapperDir) };
}
