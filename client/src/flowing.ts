// A Readable as an async iterable of its chunks, read in flowing mode: 'data' events fill a queue
// of up to `highWater` bytes (the source is paused above it, resumed below it). Node's own
// Readable iterator reads in paused mode, 16 KiB at a time for an HTTP response, which costs
// throughput on fast streams (logs, attach); this keeps the pipe full. Iterating to the end or
// stopping early leaves the source as it is: its owner closes it.
import type { Readable } from 'node:stream';

export async function* flowing(source: Readable, highWater = 1 << 20): AsyncGenerator<Buffer> {
  const queue: Buffer[] = [];
  let queued = 0;
  let ended = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const onData = (chunk: Buffer): void => {
    queue.push(chunk);
    queued += chunk.length;
    if (queued >= highWater) source.pause();
    wake?.();
  };
  const onEnd = (): void => { ended = true; wake?.(); };
  const onError = (err: Error): void => { failure = err; wake?.(); };
  // closed without 'end' and without an error (a destroyed source): the stream stops there
  const onClose = (): void => { ended = true; wake?.(); };
  source.on('data', onData);
  source.once('end', onEnd);
  source.once('error', onError);
  source.once('close', onClose);
  if (source.readableEnded) ended = true;
  try {
    for (;;) {
      if (queue.length) {
        const chunk = queue.shift()!;
        queued -= chunk.length;
        if (queued < highWater && source.isPaused()) source.resume();
        yield chunk;
        continue;
      }
      if (failure) throw failure;
      if (ended) return;
      await new Promise<void>((resolve) => { wake = resolve; });
      wake = undefined;
    }
  } finally {
    source.off('data', onData);
    source.off('end', onEnd);
    source.off('error', onError);
    source.off('close', onClose);
  }
}
