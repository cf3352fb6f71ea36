// Letting go of running containers' output without losing a byte (--live-restore shutdown): each
// relay stops after a whole chunk (what it handed over is in the log); what the container writes
// afterwards waits in its spool (and the FIFO) for the next berthd, which takes the relays over.
import type { RunningIO } from './context.js';

export async function releaseIO(io: Map<string, RunningIO>): Promise<void> {
  const writers = [...io.values()].map((r) => {
    r.fifos.release();
    return r.writer;
  });
  io.clear();
  await Promise.all(writers.map((w) => w.close().catch(() => undefined)));
}
