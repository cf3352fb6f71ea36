// Adapts the concrete FIFO and log modules to the daemon's ports.
import { JsonFileWriter } from '../logger/json-file-writer.js';
import { readJsonLogBatches } from '../logger/json-file-reader.js';
import { createFifos, openExistingFifos, type TaskFifos } from '../runtime/containerd/fifo-io.js';
import { FifoPool } from '../runtime/containerd/fifo-pool.js';
import type { FifosPort, LogsPort, TaskFifosPort } from './ports.js';

function toPort(f: TaskFifos): TaskFifosPort {
  return {
    paths: f.paths,
    stdout: f.stdout,
    ...(f.stderr ? { stderr: f.stderr } : {}),
    ...(f.stdin ? { stdin: f.stdin } : {}),
    close: () => f.close(),
  };
}

export const fifosAdapter: FifosPort = {
  create: async (dir, options) => toPort(await createFifos(dir, options)),
  reopen: async (paths) => toPort(await openExistingFifos(paths)),
};

/** FIFOs from a pool under `poolDir` (same filesystem as the FIFO directories): no spawn per start or exec. */
export function pooledFifosAdapter(poolDir: string, log?: (msg: string) => void): FifosPort {
  const pool = new FifoPool(poolDir, log ? { log } : {});
  void pool.warm();
  return {
    create: async (dir, options) => toPort(await createFifos(dir, options, pool)),
    reopen: fifosAdapter.reopen,
  };
}

export const logsAdapter: LogsPort = {
  openWriter: (path, s) => new JsonFileWriter(path, {
    ...(s.maxSize !== undefined ? { maxSize: s.maxSize } : {}), maxFile: s.maxFile, compress: s.compress, attrs: s.attrs,
    // crash safety: what was read from a container's FIFO is written before berthd reads more
    sync: true,
  }),
  read: (path, options) => readJsonLogBatches(path, options),
};
