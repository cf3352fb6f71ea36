// The stream results of calls: container output (logs, attach, exec) as frames, the hijacked
// attach/exec connection as a duplex, and JSON message streams — each an AsyncIterable that
// closes its connection when the consumer stops early or calls destroy().
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Writable } from 'node:stream';
import type { Frame, FrameStream, HijackedStream, JsonStream } from './call-types.js';
import { demultiplex, type StreamMode } from './demux.js';
import { flowing } from './flowing.js';
import { parseJsonStream } from './json-stream.js';
import { versionLt } from './version.js';

export const RAW_STREAM = 'application/vnd.docker.raw-stream';
export const MULTIPLEXED_STREAM = 'application/vnd.docker.multiplexed-stream';

/**
 * How to read container output: the Content-Type says it from API 1.42 (multiplexed-stream, or
 * raw-stream with a TTY); before, the caller's `tty` hint decides, else the first bytes do.
 */
export function streamMode(contentType: string | undefined, version: string | undefined, tty: boolean | undefined): StreamMode {
  if (contentType?.startsWith(MULTIPLEXED_STREAM)) return 'multiplexed';
  if (tty !== undefined) return tty ? 'raw' : 'multiplexed';
  if (contentType?.startsWith(RAW_STREAM) && version && !versionLt(version, '1.42')) return 'raw';
  return 'sniff';
}

class Frames implements FrameStream {
  readonly tty: Promise<boolean>;
  private setTty!: (tty: boolean) => void;
  private started = false;

  constructor(private readonly source: AsyncIterable<Buffer>, private readonly mode: StreamMode, private readonly close: () => void) {
    this.tty = new Promise((resolve) => { this.setTty = resolve; });
  }

  [Symbol.asyncIterator](): AsyncIterator<Frame> {
    if (this.started) throw new Error('a container output stream can be iterated once');
    this.started = true;
    return demultiplex(this.source, this.mode, (tty) => this.setTty(tty), this.close);
  }

  destroy(): void {
    this.close();
  }
}

export function frameStream(res: IncomingMessage, mode: StreamMode): FrameStream {
  return new Frames(flowing(res), mode, () => { res.destroy(); });
}

class Hijacked extends Frames implements HijackedStream {
  constructor(private readonly socket: Socket, head: Buffer, mode: StreamMode) {
    // Bytes that came with the 101 go back in front; reading to the end must not destroy the
    // socket before the consumer is done with it.
    if (head.length) socket.unshift(head);
    super(flowing(socket), mode, () => { socket.destroy(); });
  }

  get stdin(): Writable { return this.socket; }

  closeWrite(): void {
    this.socket.end();
  }
}

export function hijackedStream(socket: Socket, head: Buffer, mode: StreamMode): HijackedStream {
  return new Hijacked(socket, head, mode);
}

/** An engine that answered the attach with a plain 200 instead of upgrading: the same connection both ways. */
export function legacyHijackedStream(res: IncomingMessage, mode: StreamMode): HijackedStream {
  const socket = res.socket as Socket;
  const frames = new Frames(flowing(res), mode, () => { res.destroy(); });
  return Object.assign(frames, { stdin: socket as Writable, closeWrite: () => { socket.end(); } });
}

class Json<T> implements JsonStream<T> {
  constructor(private readonly res: IncomingMessage) {}

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    try {
      yield* parseJsonStream<T>(this.res);
    } finally {
      this.res.destroy();
    }
  }

  destroy(): void {
    this.res.destroy();
  }
}

export function jsonStream<T>(res: IncomingMessage): JsonStream<T> {
  return new Json<T>(res);
}
