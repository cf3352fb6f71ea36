// The byte pumps between clients and a container's FIFOs, with backpressure both ways. Used by
// attach, exec and logs, so a slow reader slows the writer instead of berthd buffering without bound.
import type { Readable, Writable } from 'node:stream';
import { DetachScanner } from './detach-keys.js';

/** Resolves once `w` can take more (at once if it can), or when it closes. */
export function waitForDrain(w: Writable): Promise<void> {
  if (w.destroyed || !w.writableNeedDrain) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = (): void => { w.off('drain', done); w.off('close', done); resolve(); };
    w.once('drain', done);
    w.once('close', done);
  });
}

/**
 * Reads `source` until it ends, handing each chunk to `onChunk`. While the promise `onChunk`
 * returns is pending, reading pauses (the writer on the other side of the FIFO then waits).
 */
export function pumpOutput(source: Readable, onChunk: (chunk: Buffer) => Promise<unknown> | undefined): Promise<void> {
  return new Promise<void>((resolve) => {
    source.on('data', (chunk: Buffer) => {
      const wait = onChunk(chunk);
      if (!wait) return;
      source.pause();
      void wait.finally(() => source.resume());
    });
    source.once('end', resolve);
    source.once('close', resolve);
    source.once('error', () => resolve());
  });
}

/**
 * Copies a client's stdin into a process's stdin, holding back the detach sequence (empty keys:
 * copy verbatim). Returns how the copy ended: the client's EOF (or disconnect), or a detach.
 */
export async function pumpStdin(source: AsyncIterable<Buffer>, target: () => Promise<Writable>, detachKeys: Buffer): Promise<'eof' | 'detach'> {
  const scanner = new DetachScanner(detachKeys);
  try {
    for await (const chunk of source) {
      const { forward, detach } = scanner.push(chunk);
      if (forward.length) {
        const w = await target();
        if (!w.destroyed && !w.write(forward)) await waitForDrain(w);
      }
      if (detach) return 'detach';
    }
  } catch { /* the client went away: same as EOF */ }
  return 'eof';
}

/** Ends our end of a FIFO after its queued bytes are written, then closes the descriptor. */
export async function endWritable(w: Writable): Promise<void> {
  if (w.destroyed) return;
  await new Promise<void>((resolve) => w.end(() => resolve()));
  w.destroy();
}
