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
 * which one they send); `onMode` learns the decision; `onDone` runs when the iteration ends in any
 * way. This is the hot path of logs and attach: frames inside a chunk are yielded as views of it
 * (no copy), and only a frame that straddles chunks is copied, once, into its own buffer.
 */
export async function* demultiplex(source: AsyncIterable<Buffer>, mode: StreamMode, onMode?: (tty: boolean) => void, onDone?: () => void): AsyncGenerator<Frame> {
  let decided: 'multiplexed' | 'raw' | undefined = mode === 'sniff' ? undefined : mode;
  if (decided) onMode?.(decided === 'raw');
  let sniffed: Buffer = Buffer.alloc(0);
  // a header split across chunks
  const head = Buffer.alloc(HEADER);
  let headFill = 0;
  // a payload split across chunks
  let body: Buffer | undefined;
  let bodyFill = 0;
  let bodyId = 0;
  const frame = (id: number, data: Buffer): Frame => {
    if (id === 3) throw new StreamError(data.toString().trim());
    return { stream: id === 2 ? 'stderr' : 'stdout', data };
  };
  try {
    for await (const input of source) {
      let chunk = input;
      if (decided === 'raw') {
        if (chunk.length) yield { stream: 'stdout', data: chunk };
        continue;
      }
      if (!decided) {
        sniffed = sniffed.length ? Buffer.concat([sniffed, chunk]) : chunk;
        if (sniffed.length < HEADER) continue;
        decided = looksMultiplexed(sniffed) ? 'multiplexed' : 'raw';
        onMode?.(decided === 'raw');
        if (decided === 'raw') {
          yield { stream: 'stdout', data: sniffed };
          continue;
        }
        chunk = sniffed;
      }
      let at = 0;
      while (at < chunk.length) {
        if (body) {
          const n = Math.min(body.length - bodyFill, chunk.length - at);
          chunk.copy(body, bodyFill, at, at + n);
          bodyFill += n;
          at += n;
          if (bodyFill === body.length) {
            const done = body;
            body = undefined;
            yield frame(bodyId, done);
          }
          continue;
        }
        if (headFill === 0 && chunk.length - at >= HEADER) {
          const id = chunk[at]!;
          const size = chunk.readUInt32BE(at + 4);
          at += HEADER;
          if (chunk.length - at >= size) {
            const data = chunk.subarray(at, at + size);
            at += size;
            yield frame(id, data);
          } else {
            body = Buffer.allocUnsafe(size);
            bodyFill = 0;
            bodyId = id;
          }
          continue;
        }
        const n = Math.min(HEADER - headFill, chunk.length - at);
        chunk.copy(head, headFill, at, at + n);
        headFill += n;
        at += n;
        if (headFill === HEADER) {
          headFill = 0;
          bodyId = head[0]!;
          bodyFill = 0;
          body = Buffer.allocUnsafe(head.readUInt32BE(4));
          if (body.length === 0) { body = undefined; yield frame(bodyId, Buffer.alloc(0)); }
        }
      }
    }
    if (!decided) {
      onMode?.(true);
      if (sniffed.length) yield { stream: 'stdout', data: sniffed };
    } else if (decided === 'multiplexed' && (body || headFill)) {
      throw new StreamError(`multiplexed stream ended inside a frame (${body ? body.length - bodyFill : HEADER - headFill} bytes missing)`);
    }
  } finally {
    onDone?.();
  }
}

/** The whole output as text per stream. */
export async function collect(frames: AsyncIterable<Frame>): Promise<{ stdout: string; stderr: string }> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  for await (const f of frames) (f.stream === 'stderr' ? err : out).push(f.data);
  return { stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}
