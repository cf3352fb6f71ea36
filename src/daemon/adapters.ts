// Adapts the concrete FIFO and log modules to the daemon's ports.
import { JsonFileWriter } from '../logger/json-file-writer.js';
import { readJsonLogBatches } from '../logger/json-file-reader.js';
import { createFifos, openExistingFifos, type TaskFifos } from '../runtime/containerd/fifo-io.js';
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

export const logsAdapter: LogsPort = {
  openWriter: (path, s) => new JsonFileWriter(path, {
    ...(s.maxSize !== undefined ? { maxSize: s.maxSize } : {}), maxFile: s.maxFile, compress: s.compress, attrs: s.attrs,
    // crash safety: what was read from a container's FIFO is written before berthd reads more
    sync: true,
  }),
  read: (path, options) => readJsonLogBatches(path, options),
};
