// FIFOs between berthd and the shim for a process's stdio. Our ends are opened non-blocking and
// wrapped in net.Socket, so reads are epoll-driven: fs.createReadStream on a FIFO parks a libuv
// pool thread per idle read and four idle containers hung the process in the spike.
// The read ends must be open before Tasks.Create/Exec, or the shim's open(O_WRONLY) blocks and the
// call fails with DEADLINE_EXCEEDED after 30 s.
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { TaskIOPaths } from '../runtime.js';
import { mkfifos, type FifoPool } from './fifo-pool.js';

export interface TaskFifos {
  paths: TaskIOPaths;
  stdout: net.Socket;
  /** absent for terminal processes: the pty merges stderr into stdout */
  stderr?: net.Socket;
  /** present when the process has stdin */
  stdin?: net.Socket;
  /** closes our ends (idempotent); the FIFO files stay until their directory is removed */
  close(): void;
}

export interface CreateFifosOptions {
  stdin: boolean;
  terminal: boolean;
  /** file name prefix: "init" for the container's process, the exec id for exec processes */
  prefix?: string;
}

export function fifoPaths(dir: string, opts: CreateFifosOptions): TaskIOPaths {
  const prefix = opts.prefix ?? 'init';
  return {
    stdin: opts.stdin ? path.join(dir, `${prefix}-stdin`) : '',
    stdout: path.join(dir, `${prefix}-stdout`),
    stderr: opts.terminal ? '' : path.join(dir, `${prefix}-stderr`),
    terminal: opts.terminal,
  };
}

function openReader(file: string): net.Socket {
  // O_NONBLOCK: open returns at once even though no writer exists yet
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  return new net.Socket({ fd, readable: true, writable: false });
}

export function openWriter(file: string): net.Socket {
  // O_RDWR: opening for writing alone would fail with ENXIO while the shim has no reader; holding a
  // read end ourselves also means a late shim never sees EOF before we close.
  const fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_NONBLOCK);
  return new net.Socket({ fd, readable: false, writable: true });
}

/** Opens our ends of FIFOs that already exist (restore after a daemon restart). */
export function openExistingFifos(paths: TaskIOPaths): Promise<TaskFifos> {
  const sockets: net.Socket[] = [];
  try {
    if (!paths.stdout) throw new Error('task has no stdout FIFO');
    const stdout = openReader(paths.stdout);
    sockets.push(stdout);
    const stderr = paths.stderr ? openReader(paths.stderr) : undefined;
    if (stderr) sockets.push(stderr);
    const stdin = paths.stdin ? openWriter(paths.stdin) : undefined;
    if (stdin) sockets.push(stdin);
    let closed = false;
    const fifos: TaskFifos = {
      paths: { ...paths },
      stdout,
      close(): void {
        if (closed) return;
        closed = true;
        for (const s of sockets) s.destroy();
      },
    };
    if (stderr) fifos.stderr = stderr;
    if (stdin) fifos.stdin = stdin;
    return Promise.resolve(fifos);
  } catch (err) {
    for (const s of sockets) s.destroy();
    return Promise.reject(err);
  }
}

/**
 * Creates `dir` and the FIFOs for one process (existing ones are reused), and opens our ends.
 * With a pool, new FIFOs are taken from it (no process spawned); without, one mkfifo makes them.
 */
export async function createFifos(dir: string, opts: CreateFifosOptions, pool?: FifoPool): Promise<TaskFifos> {
  const paths = fifoPaths(dir, opts);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const missing = [paths.stdin, paths.stdout, paths.stderr].filter((p) => p !== '' && !fs.existsSync(p));
  if (pool) await pool.place(missing);
  else await mkfifos(missing);
  return openExistingFifos(paths);
}

/** Creates `dir` and the FIFOs for one process without opening our ends (their readers are relays). */
export async function makeFifoFiles(dir: string, opts: CreateFifosOptions, pool?: FifoPool): Promise<TaskIOPaths> {
  const paths = fifoPaths(dir, opts);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const missing = [paths.stdin, paths.stdout, paths.stderr].filter((p) => p !== '' && !fs.existsSync(p));
  if (pool) await pool.place(missing);
  else await mkfifos(missing);
  return paths;
}
