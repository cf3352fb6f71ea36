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
