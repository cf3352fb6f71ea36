// Letting go of running containers' output without losing a byte (--live-restore shutdown): every
// chunk already read from a FIFO reaches the log before the FIFO is closed; what the container
// writes afterwards waits in the FIFO (and the shim) for the next berthd, which reopens it.
import type { Readable } from 'node:stream';
import type { RunningIO } from './context.js';

/** Synchronously hands whatever the socket has buffered to its 'data' listener (the pump), then closes it. */
function drainAndClose(sock: Readable | undefined): void {
  if (!sock) return;
  // read() emits 'data' for what it returns: the pump writes it to the log writer
  while (sock.read() !== null) { /* keep draining */ }
  sock.destroy();
}

export async function releaseIO(io: Map<string, RunningIO>): Promise<void> {
  const writers = [...io.values()].map((r) => {
    drainAndClose(r.fifos.stdout);
    drainAndClose(r.fifos.stderr);
    r.fifos.close();
    return r.writer;
  });
  io.clear();
  await Promise.all(writers.map((w) => w.close().catch(() => undefined)));
}
