// Container output as frames: Docker's multiplexed stream (8-byte header: stream id, 3 zero bytes,
// big-endian payload size) split into stdout/stderr chunks, or a TTY's raw stream passed through.
import type { Frame } from './call-types.js';
import { StreamError } from './errors.js';

export type StreamMode = 'multiplexed' | 'raw' | 'sniff';

const HEADER = 8;

/** Whether `head` (at least 8 bytes, or the whole stream) starts with a multiplexing header. */
export function looksMultiplexed(head: Buffer): boolean {
  if (head.length < HEADER) return false;
  return head[0]! <= 3 && head[1] === 0 && head[2] === 0 && head[3] === 0;
}

/**
 * Frames of `source`. `sniff` decides from the first 8 bytes (servers before API 1.42 do not say
 * which one they send); `onMode` learns the decision.
 */
export async function* demultiplex(source: AsyncIterable<Buffer>, mode: StreamMode, onMode?: (tty: boolean) => void): AsyncGenerator<Frame> {
  let pending: Buffer = Buffer.alloc(0);
  let decided: 'multiplexed' | 'raw' | undefined = mode === 'sniff' ? undefined : mode;
  if (decided) onMode?.(decided === 'raw');
  for await (const chunk of source) {
    if (decided === 'raw') {
      if (chunk.length) yield { stream: 'stdout', data: chunk };
      continue;
    }
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    if (!decided) {
      if (pending.length < HEADER) continue;
      decided = looksMultiplexed(pending) ? 'multiplexed' : 'raw';
      onMode?.(decided === 'raw');
      if (decided === 'raw') {
        yield { stream: 'stdout', data: pending };
        pending = Buffer.alloc(0);
        continue;
      }
    }
    let offset = 0;
    while (pending.length - offset >= HEADER) {
      const size = pending.readUInt32BE(offset + 4);
      if (pending.length - offset - HEADER < size) break;
      const id = pending[offset]!;
      const data = pending.subarray(offset + HEADER, offset + HEADER + size);
      offset += HEADER + size;
      if (id === 3) throw new StreamError(data.toString().trim());
      yield { stream: id === 2 ? 'stderr' : 'stdout', data };
    }
    pending = offset === pending.length ? Buffer.alloc(0) : pending.subarray(offset);
  }
  if (!decided) {
    onMode?.(true);
    if (pending.length) yield { stream: 'stdout', data: pending };
  } else if (decided === 'multiplexed' && pending.length) {
    throw new StreamError(`multiplexed stream ended inside a frame (${pending.length} bytes left)`);
  }
}

/** The whole output as text per stream. */
export async function collect(frames: AsyncIterable<Frame>): Promise<{ stdout: string; stderr: string }> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  for await (const f of frames) (f.stream === 'stderr' ? err : out).push(f.data);
  return { stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}
