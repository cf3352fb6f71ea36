// Letting go of running containers' output without losing a byte (--live-restore shutdown): every
// chunk already read reaches the log before reading stops (output-fifos.ts: FIFOs read by berthd;
// src/logrelay: relays); what the container writes afterwards waits in its FIFO (or spool) for the
// next berthd, which reopens it.
import type { RunningIO } from './context.js';

export async function releaseIO(io: Map<string, RunningIO>): Promise<void> {
  const writers = [...io.values()].map((r) => {
    r.fifos.release();
    return r.writer;
  });
  io.clear();
  await Promise.all(writers.map((w) => w.close().catch(() => undefined)));
}
