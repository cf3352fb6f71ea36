// Docker's stream multiplexing: an 8-byte header (stream id, 0, 0, 0, big-endian uint32 size)
// before each chunk of a non-TTY attach/exec/logs stream.

export const enum StreamId {
  Stdin = 0,
  Stdout = 1,
  Stderr = 2,
  System = 3,
}

export function frame(stream: StreamId, payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(8 + payload.length);
  out[0] = stream;
  out[1] = 0; out[2] = 0; out[3] = 0;
  out.writeUInt32BE(payload.length, 4);
  payload.copy(out, 8);
  return out;
}

/** The 8-byte header of a frame of `size` bytes. */
export function frameHeader(stream: StreamId, size: number): Buffer {
  const h = Buffer.allocUnsafe(8);
  h[0] = stream;
  h[1] = 0; h[2] = 0; h[3] = 0;
  h.writeUInt32BE(size, 4);
  return h;
}

/** Payloads from this size on are written as header + payload in one writev instead of copied into a frame. */
const WRITEV_MIN = 4 * 1024;

/**
 * Writes `payload` as one frame to `w`: a small one copied into a frame, a large one as its header
 * and the payload itself (corked: one writev, no copy; the payload must not be modified afterwards).
 * Returns what w.write returned for the payload.
 */
export function writeFrame(w: { cork(): void; uncork(): void; write(b: Buffer): boolean }, stream: StreamId, payload: Buffer): boolean {
  if (payload.length < WRITEV_MIN) return w.write(frame(stream, payload));
  w.cork();
  w.write(frameHeader(stream, payload.length));
  const ok = w.write(payload);
  w.uncork();
  return ok;
}

/** Incremental demultiplexer (used by tests and the client library). */
export class Demuxer {
  private pending: Buffer = Buffer.alloc(0);
  constructor(private readonly onFrame: (stream: StreamId, payload: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    while (this.pending.length >= 8) {
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) break;
      this.onFrame(this.pending[0] as StreamId, this.pending.subarray(8, 8 + size));
      this.pending = this.pending.subarray(8 + size);
    }
  }
}
