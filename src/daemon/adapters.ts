// Adapts the concrete FIFO and log modules to the daemon's ports.
import { JsonFileWriter } from '../logger/json-file-writer.js';
import { readJsonLogBatches } from '../logger/json-file-reader.js';
import fs from 'node:fs';
import { CopierPool, type PooledCopier } from '../logrelay/copier-pool.js';
import { OutputRelay, relayFiles } from '../logrelay/output-relay.js';
import { createFifos, fifoPaths, makeFifoFiles, openExistingFifos, openWriter, type TaskFifos } from '../runtime/containerd/fifo-io.js';
import { FifoPool } from '../runtime/containerd/fifo-pool.js';
import type { TaskIOPaths } from '../runtime/runtime.js';
import type { FifosPort, LoggedFifosPort, LogsPort, TaskFifosPort } from './ports.js';

function toPort(f: TaskFifos): TaskFifosPort {
  return {
    paths: f.paths,
    stdout: f.stdout,
    ...(f.stderr ? { stderr: f.stderr } : {}),
    ...(f.stdin ? { stdin: f.stdin } : {}),
    close: () => f.close(),
  };
}

function relayed(paths: TaskIOPaths, startCopier: boolean, copierFor?: (fifo: string) => PooledCopier | undefined): LoggedFifosPort {
  const relay = (fifo: string): OutputRelay => {
    const copier = copierFor?.(fifo);
    return new OutputRelay(fifo, { startCopier, ...(copier ? { copier } : {}) });
  };
  const stdout = relay(paths.stdout);
  const stderr = paths.stderr ? relay(paths.stderr) : undefined;
  const stdin = paths.stdin ? openWriter(paths.stdin) : undefined;
  return {
    paths: { ...paths },
    stdout,
    ...(stderr ? { stderr } : {}),
    ...(stdin ? { stdin } : {}),
    release: () => { stdout.detach(); stderr?.detach(); stdin?.destroy(); },
    close: () => { stdout.close(); stderr?.close(); stdin?.destroy(); },
  };
}

export const fifosAdapter: FifosPort = {
  create: async (dir, options) => toPort(await createFifos(dir, options)),
  reopen: async (paths) => toPort(await openExistingFifos(paths)),
  createLogged: async (dir, options) => relayed(await makeFifoFiles(dir, options), true),
  reopenLogged: (paths, options) => Promise.resolve().then(() => relayed(paths, options.running)),
  isRelayed: (paths) => paths.stdout !== '' && fs.existsSync(relayFiles(paths.stdout).pid),
};

/**
 * FIFOs from a pool under `poolDir` (same filesystem as the FIFO directories): no spawn per start or
 * exec. Relayed output takes its copiers from a pool beside it (`<poolDir>-copiers`), filled from the
 * first relayed start on.
 */
export function pooledFifosAdapter(poolDir: string, log?: (msg: string) => void): FifosPort {
  const pool = new FifoPool(poolDir, log ? { log } : {});
  void pool.warm();
  const copiers = new CopierPool(`${poolDir}-copiers`, { makeFifos: (targets) => pool.place(targets), ...(log ? { log } : {}) });
  return {
    create: async (dir, options) => toPort(await createFifos(dir, options, pool)),
    reopen: fifosAdapter.reopen,
    createLogged: async (dir, options) => {
      // stdout and stderr come with their copier from the copier pool when it has them
      const paths = fifoPaths(dir, options);
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      const taken = new Map<string, PooledCopier>();
      for (const fifo of [paths.stdout, paths.stderr]) {
        if (fifo === '' || fs.existsSync(fifo)) continue;
        const copier = copiers.take(fifo, relayFiles(fifo).spool);
        if (copier) taken.set(fifo, copier);
      }
      await pool.place([paths.stdin, paths.stdout, paths.stderr].filter((p) => p !== '' && !fs.existsSync(p)));
      return relayed(paths, true, (fifo) => taken.get(fifo));
    },
    reopenLogged: fifosAdapter.reopenLogged,
    isRelayed: fifosAdapter.isRelayed,
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
