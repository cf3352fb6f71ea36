// The json-file log driver's writer: container output → dockerd's on-disk format, one JSON record per
// line: {"log":"<line>\n","stream":"stdout","time":"<RFC3339Nano>"}\n.
// Output is split on '\n' per stream; an unterminated tail waits for its newline, is cut into 16 KiB
// partial records (no trailing \n) as dockerd's copier does, or is written as is on flush()/close().
// This sits on the path of every byte a container prints: records are encoded straight into a byte
// buffer and written with at most one fs.write in flight; whatever arrives meanwhile is batched
// into the next write, so ordering is strict and syscalls stay few under load.
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { copyBytes, encodeGoJsonBytes, encodeLineRecords, maxEncodedLength } from './go-json-string.js';
import { dateToEpochNanos, formatRfc3339Nano, nowEpochNanos } from './rfc3339-nano.js';

export type LogStream = 'stdout' | 'stderr';

export interface JsonFileWriterOptions {
  /**
   * max-size log-opt in bytes: a write that would take the file past it goes to a new file instead
   * (records are never split across files; a single record larger than this gets a file of its own).
   */
  maxSize?: number;
  /**
   * max-file log-opt: files kept, the live one included. On rotation `path` becomes `path.1`,
   * `path.1` becomes `path.2`, … and the oldest is removed; with 1, the file is truncated instead.
   */
  maxFile?: number;
  /** gzip rotated files (`path.1.gz`, …), in the background */
  compress?: boolean;
  /** attributes written with every record as "attrs" (log-opt labels/env), as dockerd does */
  attrs?: Record<string, string>;
  /** write() returns false once this many encoded bytes wait for the disk (default 4 MiB). */
  highWaterMark?: number;
  /** Called once with the first write error; later output is dropped (as dockerd logs and drops). */
  onError?: (err: Error) => void;
  /**
   * Write each batch before write() returns (fs.writeSync) instead of in the background: output
   * berthd has taken from a container is on disk (in the page cache) before the next read, so a
   * berthd killed with -9 loses none of it. One syscall per batch either way.
   */
  sync?: boolean;
}

/** dockerd's copier buffer: a line longer than this is logged in pieces of this size. */
export const MAX_PARTIAL_LINE = 16 * 1024;

const INITIAL_BUFFER = 64 * 1024;
/** Whole lines of at least this many bytes in one write() are encoded in one pass of the WebAssembly loop. */
const BATCH_MIN = 64;
/** A buffer grown beyond this for a burst is not kept for reuse. */
const MAX_RETAINED_BUFFER = 1024 * 1024;
/** Fixed bytes of one record besides the escaped log text and the time. */
const RECORD_OVERHEAD = 64;

const PREFIX = Buffer.from('{"log":"');

interface Tail {
  parts: Buffer[];
  length: number;
}

interface Waiter {
  resolve: () => void;
  reject: (err: Error) => void;
}

export class JsonFileWriter {
  readonly path: string;
  readonly options: Readonly<JsonFileWriterOptions>;
  #fd: number;
  #tails: Record<LogStream, Tail> = { stdout: { parts: [], length: 0 }, stderr: { parts: [], length: 0 } };
  #pending: Buffer = Buffer.allocUnsafe(INITIAL_BUFFER);
  #pendingLen = 0;
  #spare: Buffer | null = null;
  #writing = false;
  #closing: Promise<void> | null = null;
  #error: Error | null = null;
  #idleWaiters: Waiter[] = [];
  #highWaterMark: number;
  /**
   * Record endings of the write() call being encoded — `","stream":"stdout","time":"<time>"}\n` —
   * built once per call and only if it produces a record.
   */
  #endings: Record<LogStream, Buffer> | null = null;
  #timeNs: bigint | undefined;
  /** `,"attrs":{…}` or '' */
  #attrsJson: string;
  /** bytes in the live file */
  #size: number;
  /** background compression of rotated files, chained so rotations never overtake it */
  #compressing: Promise<void> = Promise.resolve();
  #rotations = 0;

  /** Opens (creating with mode 0640) `path` for appending. Throws if it cannot be opened. */
  constructor(path: string, options: JsonFileWriterOptions = {}) {
    this.path = path;
    this.options = { ...options };
    this.#highWaterMark = options.highWaterMark ?? 4 * 1024 * 1024;
    this.#fd = openForAppend(path);
    this.#size = fs.fstatSync(this.#fd).size;
    const attrs = options.attrs ?? {};
    this.#attrsJson = Object.keys(attrs).length > 0 ? `,"attrs":${JSON.stringify(attrs)}` : '';
  }

  /** Encoded bytes accepted but not yet written. */
  get bufferedBytes(): number {
    return this.#pendingLen;
  }

  /**
   * Logs `chunk` from `stream`. `time` (default: now, with nanoseconds) stamps every record this call
   * completes. Returns false when more than highWaterMark bytes wait for the disk: the caller may
   * pause its source until drain() resolves. Throws after close().
   */
  write(stream: LogStream, chunk: Buffer, time?: Date): boolean {
    if (this.#closing !== null) throw new Error(`json-file log ${this.path} is closed`);
    this.#timeNs = time === undefined ? undefined : dateToEpochNanos(time);
    this.#endings = null;
    const tail = this.#tails[stream];
    let pos = 0;
    if (tail.length > 0) {
      // the first line completes the unterminated tail
      const nl = chunk.indexOf(10);
      if (nl === -1) {
        this.#appendTail(stream, tail, chunk);
        pos = chunk.length;
      } else {
        const line = Buffer.concat([...tail.parts, chunk.subarray(0, nl)], tail.length + nl);
        tail.parts = [];
        tail.length = 0;
        this.#emitLine(stream, line, 0, line.length);
        pos = nl + 1;
      }
    }
    const last = pos < chunk.length ? chunk.lastIndexOf(10) : -1;
    if (last >= pos) {
      // whole lines: encoded together in one pass (few bytes: line by line)
      if (last + 1 - pos < BATCH_MIN) this.#emitLines(stream, chunk, pos, last + 1);
      else if (this.#error === null) {
        if (this.options.sync) {
          // written straight from the module's memory: what is pending goes first
          this.#kick();
          encodeLineRecords(chunk, pos, last + 1, this.#ending(stream), MAX_PARTIAL_LINE, this.#writeNow);
        } else {
          encodeLineRecords(chunk, pos, last + 1, this.#ending(stream), MAX_PARTIAL_LINE, this.#append);
        }
      }
      pos = last + 1;
    }
    if (pos < chunk.length) this.#appendTail(stream, tail, chunk.subarray(pos));
    this.#kick();
    return this.#pendingLen < this.#highWaterMark;
  }

  /** Resolves when every record accepted so far is on disk (unterminated tails stay buffered). */
  drain(): Promise<void> {
    if (this.#error !== null) return Promise.reject(this.#error);
    if (!this.#writing && this.#pendingLen === 0) return Promise.resolve();
    return new Promise((resolve, reject) => this.#idleWaiters.push({ resolve, reject }));
  }

  /** Writes unterminated tails as records without '\n' (as dockerd does at EOF) and waits for the disk. */
  flush(): Promise<void> {
    this.#timeNs = undefined;
    this.#endings = null;
    for (const stream of ['stdout', 'stderr'] as const) {
      const tail = this.#tails[stream];
      if (tail.length === 0) continue;
      const rest = Buffer.concat(tail.parts, tail.length);
      tail.parts = [];
      tail.length = 0;
      this.#emitRecord(stream, rest, 0, rest.length, false);
    }
    this.#kick();
    return this.drain();
  }

  /** Flushes and closes the file. Idempotent; rejects with the first write error, if any. */
  close(): Promise<void> {
    if (this.#closing === null) {
      const flushed = this.flush();
      this.#closing = flushed.then(
        async () => {
          await this.#closeFd();
          await this.#compressing;
        },
        async (err: Error) => {
          await this.#closeFd().catch(() => undefined);
          throw err;
        },
      );
    }
    return this.#closing;
  }

  #closeFd(): Promise<void> {
    return new Promise((resolve, reject) => fs.close(this.#fd, (err) => (err ? reject(err) : resolve())));
  }

  #appendTail(stream: LogStream, tail: Tail, data: Buffer): void {
    // Copy: the caller may reuse its buffer once write() returns.
    tail.parts.push(Buffer.from(data));
    tail.length += data.length;
    if (tail.length < MAX_PARTIAL_LINE) return;
    let all = Buffer.concat(tail.parts, tail.length);
    let p = 0;
    while (all.length - p >= MAX_PARTIAL_LINE) {
      this.#emitRecord(stream, all, p, p + MAX_PARTIAL_LINE, false);
      p += MAX_PARTIAL_LINE;
    }
    all = all.subarray(p);
    tail.parts = all.length > 0 ? [all] : [];
    tail.length = all.length;
  }

  /** The complete lines in src[start, end) (which ends with '\n'), one by one. */
  #emitLines(stream: LogStream, src: Buffer, start: number, end: number): void {
    let pos = start;
    while (pos < end) {
      const nl = src.indexOf(10, pos);
      this.#emitLine(stream, src, pos, nl);
      pos = nl + 1;
    }
  }

  /**
   * sync: writes encoded records (encodeLineRecords' output, valid only during the call) at once,
   * within max-size like #writeAll. Nothing may be pending.
   */
  #writeNow = (bytes: Buffer, start: number, end: number): void => {
    let offset = start;
    while (offset < end && this.#error === null) {
      try {
        const stop = this.#writeEnd(bytes, offset, end);
        const written = fs.writeSync(this.#fd, bytes, offset, stop - offset);
        this.#size += written;
        offset += written;
      } catch (err) {
        this.#fail(err as Error);
      }
    }
  };

  /** Appends encoded bytes to the pending batch (encodeLineRecords' output). */
  #append = (bytes: Buffer, start: number, end: number): void => {
    const n = end - start;
    if (this.#pending.length - this.#pendingLen < n) this.#grow(n);
    this.#pending.set(bytes.subarray(start, end), this.#pendingLen);
    this.#pendingLen += n;
  };

  /** `","stream":"<stream>","time":"<time>"}\n` for the write() call being encoded, made on first use. */
  #ending(stream: LogStream): Buffer {
    if (this.#endings === null) {
      const time = formatRfc3339Nano(this.#timeNs ?? nowEpochNanos());
      this.#endings = {
        stdout: Buffer.from(`","stream":"stdout"${this.#attrsJson},"time":"${time}"}\n`, 'utf8'),
        stderr: Buffer.from(`","stream":"stderr"${this.#attrsJson},"time":"${time}"}\n`, 'utf8'),
      };
    }
    return this.#endings[stream];
  }

  /** A complete line src[start, end) (its '\n' excluded), cut in 16 KiB partials when longer. */
  #emitLine(stream: LogStream, src: Buffer, start: number, end: number): void {
    let p = start;
    while (end - p >= MAX_PARTIAL_LINE) {
      this.#emitRecord(stream, src, p, p + MAX_PARTIAL_LINE, false);
      p += MAX_PARTIAL_LINE;
    }
    this.#emitRecord(stream, src, p, end, true);
  }

  #emitRecord(stream: LogStream, src: Buffer, start: number, end: number, newline: boolean): void {
    if (this.#error !== null) return;
    const ending = this.#ending(stream);
    const need = maxEncodedLength(end - start) + RECORD_OVERHEAD + ending.length;
    if (this.#pending.length - this.#pendingLen < need) this.#grow(need);
    const out = this.#pending;
    let o = this.#pendingLen;
    o += copyBytes(PREFIX, 0, PREFIX.length, out, o);
    o = encodeGoJsonBytes(src, start, end, out, o);
    if (newline) {
      out[o++] = 0x5c; // \n
      out[o++] = 0x6e;
    }
    o += copyBytes(ending, 0, ending.length, out, o);
    this.#pendingLen = o;
  }

  #grow(need: number): void {
    const size = Math.max(this.#pending.length * 2, this.#pendingLen + need);
    const next = Buffer.allocUnsafe(size);
    this.#pending.copy(next, 0, 0, this.#pendingLen);
    this.#pending = next;
  }

  /** Starts a write of everything pending unless one is in flight (its completion restarts us). */
  #kick(): void {
    if (this.#writing || this.#pendingLen === 0 || this.#error !== null) return;
    const buf = this.#pending;
    const len = this.#pendingLen;
    this.#pending = this.#spare ?? Buffer.allocUnsafe(INITIAL_BUFFER);
    this.#spare = null;
    this.#pendingLen = 0;
    this.#writing = true;
    this.#writeAll(buf, 0, len);
  }

  #writeAll(buf: Buffer, offset: number, end: number): void {
    let stop: number;
    try {
      stop = this.#writeEnd(buf, offset, end);
    } catch (err) {
      this.#fail(err as Error);
      return;
    }
    if (this.options.sync) {
      let written: number;
      try {
        written = fs.writeSync(this.#fd, buf, offset, stop - offset);
      } catch (err) {
        this.#fail(err as Error);
        return;
      }
      this.#written(buf, offset, end, written);
      return;
    }
    fs.write(this.#fd, buf, offset, stop - offset, null, (err, written) => {
      if (err) {
        this.#fail(err);
        return;
      }
      this.#written(buf, offset, end, written);
    });
  }

  /** A write of `buf[offset..]` completed with `written` bytes: the rest, the next batch, or idle. */
  #written(buf: Buffer, offset: number, end: number, written: number): void {
    this.#size += written;
    if (offset + written < end) {
      this.#writeAll(buf, offset + written, end);
      return;
    }
    if (buf.length <= MAX_RETAINED_BUFFER) this.#spare = buf;
    this.#writing = false;
    if (this.#pendingLen > 0) {
      this.#kick();
      return;
    }
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const w of waiters) w.resolve();
  }

  /**
   * Where this write stops so that the live file stays within max-size: after the last whole record
   * that fits, rotating first when none does. A record larger than max-size gets a file of its own.
   */
  #writeEnd(buf: Buffer, offset: number, end: number): number {
    const maxSize = this.options.maxSize;
    if (maxSize === undefined || maxSize <= 0 || this.#size + (end - offset) <= maxSize) return end;
    let stop = lastRecordEnd(buf, offset, Math.min(end, offset + maxSize - this.#size));
    if (stop === offset && this.#size > 0) {
      this.#rotate();
      stop = lastRecordEnd(buf, offset, Math.min(end, offset + maxSize));
    }
    if (stop === offset) {
      const nl = buf.indexOf(10, offset);
      stop = nl === -1 || nl >= end ? end : nl + 1;
    }
    return stop;
  }

  /** Moves the live file aside (or truncates it with max-file 1) and starts a new one. Rare: synchronous. */
  #rotate(): void {
    const maxFile = Math.max(1, this.options.maxFile ?? 1);
    if (maxFile === 1) {
      fs.ftruncateSync(this.#fd, 0);
      this.#size = 0;
      return;
    }
    fs.closeSync(this.#fd);
    if (this.options.compress === true) {
      // Set aside under a name of its own now; shifting the older files and compressing happen in the
      // background, one rotation after another (the reader reads `.rotating-N` files as the newest).
      const raw = `${this.path}.rotating-${Date.now()}-${++this.#rotations}`;
      fs.renameSync(this.path, raw);
      this.#compressing = this.#compressing
        .then(async () => {
          shiftRotated(this.path, maxFile, '.gz');
          await gzipFile(raw, `${this.path}.1.gz`);
        })
        .catch((err: Error) => this.options.onError?.(err));
    } else {
      shiftRotated(this.path, maxFile, '');
      fs.renameSync(this.path, `${this.path}.1`);
    }
    this.#fd = openForAppend(this.path);
    this.#size = 0;
  }

  #fail(err: Error): void {
    this.#error = err;
    this.#writing = false;
    this.#pendingLen = 0;
    this.options.onError?.(err);
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const w of waiters) w.reject(err);
  }
}

/** The end of the last whole record (its '\n' included) in buf[from, limit), or `from` if none ends there. */
function lastRecordEnd(buf: Buffer, from: number, limit: number): number {
  if (limit <= from) return from;
  const nl = buf.lastIndexOf(10, limit - 1);
  return nl >= from ? nl + 1 : from;
}

function openForAppend(path: string): number {
  return fs.openSync(path, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT, 0o640);
}

/** Makes room for a new `.1`: the oldest rotated file goes, the others move up one. */
function shiftRotated(path: string, maxFile: number, ext: string): void {
  fs.rmSync(`${path}.${maxFile - 1}${ext}`, { force: true });
  for (let i = maxFile - 2; i >= 1; i--) renameIfExists(`${path}.${i}${ext}`, `${path}.${i + 1}${ext}`);
}

function renameIfExists(from: string, to: string): void {
  try {
    fs.renameSync(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

async function gzipFile(from: string, to: string): Promise<void> {
  const tmp = `${to}.tmp`;
  await pipeline(fs.createReadStream(from), zlib.createGzip(), fs.createWriteStream(tmp, { mode: 0o640 }));
  await fs.promises.rename(tmp, to);
  await fs.promises.rm(from, { force: true });
}
