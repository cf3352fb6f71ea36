// Which way a container's output reaches its log. By default (--log-relay) a copier that outlives
// berthd moves the output into a spool first (src/logrelay). With --log-relay=false berthd reads the
// FIFOs itself (what it has read and not yet written dies with it on a kill -9). A container keeps the way it was started
// with until its task ends: a restored task is looked at (are there relay files?), not the flag, so a
// berthd restarted with the other setting neither races a copier for the FIFO nor loses output.
import type { Readable } from 'node:stream';
import { pumpOutput } from '../internal/stream-pumps.js';
import type { TaskIOPaths } from '../runtime/runtime.js';
import type { FifosPort, LoggedFifosPort, TaskFifosPort } from './ports.js';

/** Synchronously hands whatever the socket has buffered to its 'data' listener (the pump), then closes it. */
function drainAndClose(sock: Readable | undefined): void {
  if (!sock) return;
  // read() emits 'data' for what it returns: the pump writes it to the log writer
  while (sock.read() !== null) { /* keep draining */ }
  sock.destroy();
}

/** FIFOs berthd reads itself, behind the same port as relayed ones. */
export function directOutput(f: TaskFifosPort): LoggedFifosPort {
  const stderr = f.stderr;
  return {
    paths: f.paths,
    stdout: { pump: (sink) => pumpOutput(f.stdout, sink) },
    ...(stderr ? { stderr: { pump: (sink) => pumpOutput(stderr, sink) } } : {}),
    ...(f.stdin ? { stdin: f.stdin } : {}),
    // --live-restore shutdown: every chunk already read reaches the log before the FIFO is closed;
    // what the container writes afterwards waits in the FIFO (and the shim) for the next berthd
    release: () => { drainAndClose(f.stdout); drainAndClose(f.stderr); f.close(); },
    close: () => f.close(),
  };
}

/** A starting container's FIFOs: relayed when `relay` (--log-relay, the default), else read by berthd. */
export async function openOutputFifos(fifos: FifosPort, relay: boolean, dir: string, options: { stdin: boolean; terminal: boolean }): Promise<LoggedFifosPort> {
  return relay ? fifos.createLogged(dir, options) : directOutput(await fifos.create(dir, options));
}

/** A restored task's FIFOs, the way it was started; `running: false`: it exited, drain what is left. */
export async function reopenOutputFifos(fifos: FifosPort, paths: TaskIOPaths, options: { running: boolean }): Promise<LoggedFifosPort> {
  return fifos.isRelayed(paths) ? fifos.reopenLogged(paths, options) : directOutput(await fifos.reopen(paths));
}
