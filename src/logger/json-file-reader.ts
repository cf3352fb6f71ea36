// Reads json-file logs (dockerd's format, see json-file-writer.ts) as an async iterable of records,
// with dockerd's semantics for `docker logs`: `tail` counts the last N records of all streams, then
// since/until apply, then stream filtering (as dockerd's WriteLogStream filters by source last), so
// `tail=5&stderr=0` may yield fewer than five. tail finds its start by reading the file backwards in
// blocks, so it costs the size of the tail, not of the log. `follow` keeps reading what is appended
// (fs.watch, with a poll as fallback) until the signal aborts, the consumer stops iterating, a record
// passes `until`, or isRunning() reports false and everything written so far has been read.
import fs from 'node:fs';
import nodePath from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import zlib from 'node:zlib';
import { open, type FileHandle } from 'node:fs/promises';
import type { LogStream } from './json-file-writer.js';
import { dateToEpochNanos, parseRfc3339Millis, parseRfc3339Nano } from './rfc3339-nano.js';
import { decodeJsonLogLine, LineArena, type DecodedLine } from './json-log-line.js';

export interface LogRecord {
  stream: LogStream;
  /** the logged bytes, with their trailing '\n' unless the record was a partial line */
  line: Buffer;
  time: Date;
  /** the record's time as written (RFC3339Nano), nanoseconds intact */
  timeText: string;
  /** "attrs" of the record (log-opt labels/env), when it has them */
  attrs?: Record<string, string>;
}

export interface ReadJsonLogOptions {
  stdout: boolean;
  stderr: boolean;
  /** last N records (of all streams); undefined or negative = all */
  tail?: number;
  /** records at or after this time */
  since?: Date;
  /** records at or before this time; reading (and following) stops at the first later record */
  until?: Date;
  follow: boolean;
  /** ends the iteration (without an error) when aborted */
  signal?: AbortSignal;
  /**
   * Following ends once this returns false and the file has been read to its end. The writer must
   * have flushed (closed) before it starts returning false, or its last records may be missed.
   */
  isRunning?: () => boolean;
  /** poll interval while following (default 250 ms); fs.watch usually wakes the reader earlier */
  pollIntervalMs?: number;
}

/** backwards scans for `tail` */
const BLOCK = 64 * 1024;
/** forward reads: one await (and one batch of records) per block */
const READ_BLOCK = 256 * 1024;

/** Every record, one at a time (a flattened readJsonLogBatches). */
export async function* readJsonLog(path: string, options: ReadJsonLogOptions): AsyncGenerator<LogRecord, void, undefined> {
  for await (const batch of readJsonLogBatches(path, options)) yield* batch;
}

/**
 * The records of the log in batches (one per block read), so consumers can write a batch's worth
 * of output at once. Each record's `line` stays valid after later batches are read.
 */
export async function* readJsonLogBatches(path: string, options: ReadJsonLogOptions): AsyncGenerator<LogRecord[], void, undefined> {
  const { signal } = options;
  if (signal?.aborted) return;
  const sinceNs = options.since === undefined ? undefined : dateToEpochNanos(options.since);
  const untilNs = options.until === undefined ? undefined : dateToEpochNanos(options.until);
  const needNs = sinceNs !== undefined || untilNs !== undefined;
  const decoder = new RecordDecoder();
  /** 'skip', 'stop' (past until) or the record to yield */
  const select = (data: Buffer, start: number, end: number): LogRecord | 'skip' | 'stop' => {
    const rec = decoder.decode(data, start, end);
    if (rec === undefined) return 'skip';
    if (needNs) {
      const ns = parseRfc3339Nano(rec.timeText);
      if (ns !== undefined) {
        if (sinceNs !== undefined && ns < sinceNs) return 'skip';
        if (untilNs !== undefined && ns > untilNs) return 'stop';
      }
    }
    if (rec.stream === 'stdout' ? !options.stdout : !options.stderr) return 'skip';
    return rec;
  };

  let fh = await openIfExists(path);
  if (fh === undefined && !options.follow) return;
  const watcher = options.follow ? new ChangeWatcher(path, signal, options.pollIntervalMs ?? 250) : undefined;
  try {
    // A missing file while following: wait for it to appear.
    while (fh === undefined) {
      if (signal?.aborted) return;
      const running = options.isRunning?.() ?? true;
      fh = await openIfExists(path);
      if (fh !== undefined) break;
      if (!running) return;
      await watcher!.wait();
    }
    const state = { pos: 0 };
    const tail = options.tail;
    // Rotated files first, oldest first: all of them, or as much of them as `tail` reaches into.
    const rotated = (await listRotated(path)).map((file) => ({ file, skip: 0 }));
    let first = 0;
    if (tail !== undefined && tail >= 0) {
      const found = await findTailStart(fh, (await fh.stat()).size, tail);
      state.pos = found.pos;
      let need = tail - found.count;
      first = rotated.length;
      while (first > 0 && need > 0) {
        const part = rotated[--first]!;
        const lines = await countLines(part.file);
        part.skip = Math.max(0, lines - need);
        need -= lines;
      }
    }
    let out: LogRecord[] = [];
    /** selects a batch of raw lines into `out`; false once past `until` */
    const take = (batch: LineBatch): boolean => {
      const { data, bounds } = batch;
      for (let k = 0; k < bounds.length; k += 2) {
        const r = select(data, bounds[k]!, bounds[k + 1]!);
        if (r === 'stop') return false;
        if (r !== 'skip') out.push(r);
      }
      return true;
    };
    for (const part of rotated.slice(first)) {
      for await (const batch of rotatedLines(part.file, part.skip)) {
        const more = take(batch);
        if (out.length > 0) {
          const ready = out;
          out = [];
          yield ready;
        }
        if (!more || signal?.aborted) return;
      }
    }

    for (;;) {
      watcher?.arm();
      // Sampled before reading: if the container had stopped by now, this read sees all it wrote.
      const running = options.isRunning?.() ?? true;
      // Sampled before reading too: if the file was rotated by now, this read finishes the old one.
      const replaced = options.follow ? await isReplaced(path, fh) : false;
      const size = (await fh.stat()).size;
      if (size < state.pos) state.pos = 0; // truncated (max-file 1 rotation): start over
      for await (const batch of readLines(fh, state, size)) {
        const more = take(batch);
        if (out.length > 0) {
          const ready = out;
          out = [];
          yield ready;
        }
        if (!more || signal?.aborted) return;
      }
      if (replaced) {
        // The writer moved on to a new file: follow it from its start.
        const next = await openIfExists(path);
        if (next !== undefined) {
          await fh.close();
          fh = next;
          state.pos = 0;
          watcher?.rewatch();
          continue;
        }
      }
      if (!options.follow || signal?.aborted || !running) return;
      await watcher!.wait();
      if (signal?.aborted) return;
    }
  } finally {
    watcher?.close();
    await fh?.close();
  }
}

/** True when `path` is no longer the file `fh` has open (renamed away by rotation). */
async function isReplaced(path: string, fh: FileHandle): Promise<boolean> {
  try {
    const [a, b] = await Promise.all([fs.promises.stat(path), fh.stat()]);
    return a.ino !== b.ino || a.dev !== b.dev;
  } catch {
    return false; // not there yet: the writer is about to create it
  }
}

/**
 * Rotated files of `path`, oldest first: `path.N[.gz]` … `path.1[.gz]`, then files set aside for
 * compression (`path.rotating-<ms>-<n>`, older first).
 */
export async function listRotated(path: string): Promise<string[]> {
  const dir = nodePath.dirname(path);
  const base = nodePath.basename(path);
  let names: string[];
  try {
    names = await fs.promises.readdir(dir);
  } catch {
    return [];
  }
  const numbered: { n: number; file: string }[] = [];
  const rotating: { key: number[]; file: string }[] = [];
  for (const name of names) {
    if (!name.startsWith(`${base}.`)) continue;
    const rest = name.slice(base.length + 1);
    let m = /^(\d+)(\.gz)?$/.exec(rest);
    if (m) {
      numbered.push({ n: Number(m[1]), file: nodePath.join(dir, name) });
      continue;
    }
    m = /^rotating-(\d+)-(\d+)$/.exec(rest);
    if (m) rotating.push({ key: [Number(m[1]), Number(m[2])], file: nodePath.join(dir, name) });
  }
  numbered.sort((a, b) => b.n - a.n);
  rotating.sort((a, b) => a.key[0]! - b.key[0]! || a.key[1]! - b.key[1]!);
  return [...numbered.map((x) => x.file), ...rotating.map((x) => x.file)];
}

/** A rotated file's bytes (decompressed if it is .gz); a file removed meanwhile reads as empty. */
function rotatedStream(file: string): Readable {
  const src = fs.createReadStream(file);
  const out = file.endsWith('.gz') ? src.pipe(zlib.createGunzip()) : src;
  const pass = new PassThrough();
  src.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? pass.end() : pass.destroy(err)));
  out.on('error', (err: Error) => pass.destroy(err));
  out.pipe(pass);
  return pass;
}

/** Lines ('\n' excluded) at data[bounds[2k], bounds[2k+1]): no Buffer per line. */
interface LineBatch {
  data: Buffer;
  bounds: number[];
}

/** Complete lines of a rotated file, after skipping the first `skip`, a chunk's worth at a time. */
async function* rotatedLines(file: string, skip: number): AsyncGenerator<LineBatch, void, undefined> {
  let carry = Buffer.alloc(0);
  let n = 0;
  for await (const chunk of rotatedStream(file) as AsyncIterable<Buffer>) {
    const data = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    const bounds: number[] = [];
    let start = 0;
    let nl = data.indexOf(10, start);
    while (nl !== -1) {
      if (n++ >= skip) bounds.push(start, nl);
      start = nl + 1;
      nl = data.indexOf(10, start);
    }
    carry = Buffer.from(data.subarray(start));
    if (bounds.length > 0) yield { data, bounds };
  }
}

async function countLines(file: string): Promise<number> {
  let n = 0;
  for await (const chunk of rotatedStream(file) as AsyncIterable<Buffer>) {
    let i = chunk.indexOf(10);
    while (i !== -1) {
      n++;
      i = chunk.indexOf(10, i + 1);
    }
  }
  return n;
}

async function openIfExists(path: string): Promise<FileHandle | undefined> {
  try {
    return await open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

interface ParsedRecord {
  log?: unknown;
  stream?: unknown;
  time?: unknown;
  attrs?: unknown;
}

/**
 * A record decoded by the fast path: one small object pointing into the decoder's arena; its line
 * view, time text and Date are made when asked for (most consumers want the line only).
 */
class DecodedRecord implements LogRecord {
  #timeText: string | undefined;
  #time: Date | undefined;
  constructor(
    readonly stream: LogStream,
    private readonly buf: Buffer,
    private readonly lineStart: number,
    private readonly lineEnd: number,
    private readonly timeEnd: number,
  ) {}

  get line(): Buffer {
    return this.buf.subarray(this.lineStart, this.lineEnd);
  }

  get timeText(): string {
    return (this.#timeText ??= this.buf.toString('latin1', this.lineEnd, this.timeEnd));
  }

  get time(): Date {
    return (this.#time ??= new Date(parseRfc3339Millis(this.timeText)));
  }
}

class RecordDecoder {
  #arena = new LineArena();
  #line: DecodedLine = { stream: 'stdout', buf: Buffer.alloc(0), lineStart: 0, lineEnd: 0, timeEnd: 0 };

  /** The record at raw[start, end), or undefined for a damaged line. */
  decode(raw: Buffer, start: number, end: number): LogRecord | undefined {
    const d = this.#line;
    if (decodeJsonLogLine(raw, start, end, this.#arena, d)) return new DecodedRecord(d.stream, d.buf, d.lineStart, d.lineEnd, d.timeEnd);
    return parseRecord(raw.toString('utf8', start, end));
  }
}

/** The JSON.parse path, for records not in the exact form the fast path knows. */
function parseRecord(text: string): LogRecord | undefined {
  let obj: ParsedRecord;
  try {
    obj = JSON.parse(text) as ParsedRecord;
  } catch {
    return undefined; // a damaged line: skip it rather than end the whole stream
  }
  if (typeof obj !== 'object' || obj === null) return undefined;
  const timeText = typeof obj.time === 'string' ? obj.time : '';
  return {
    // dockerd omits "log" when it is empty
    stream: obj.stream === 'stderr' ? 'stderr' : 'stdout',
    line: typeof obj.log === 'string' ? Buffer.from(obj.log, 'utf8') : Buffer.alloc(0),
    time: new Date(parseRfc3339Millis(timeText)),
    timeText,
    ...(typeof obj.attrs === 'object' && obj.attrs !== null ? { attrs: obj.attrs as Record<string, string> } : {}),
  };
}

/**
 * Complete lines ('\n' excluded) of fh from state.pos up to `limit`, a block's worth at a time (one
 * await per block, not per line). state.pos advances past yielded lines only, so a half-written
 * last line is read again, whole, next time. Yielded buffers may be reused once the consumer asks
 * for the next batch.
 */
async function* readLines(fh: FileHandle, state: { pos: number }, limit: number): AsyncGenerator<LineBatch, void, undefined> {
  const buf = Buffer.allocUnsafe(READ_BLOCK);
  let carry: Buffer[] = [];
  let carryLen = 0;
  let filePos = state.pos;
  while (filePos < limit) {
    const { bytesRead } = await fh.read(buf, 0, Math.min(READ_BLOCK, limit - filePos), filePos);
    if (bytesRead === 0) break;
    filePos += bytesRead;
    const data = buf.subarray(0, bytesRead);
    let start = 0;
    let nl = data.indexOf(10, 0);
    if (carryLen > 0 && nl !== -1) {
      // the line begun in earlier blocks: a batch of its own
      const first = Buffer.concat([...carry, data.subarray(0, nl)], carryLen + nl);
      carry = [];
      carryLen = 0;
      start = nl + 1;
      state.pos = filePos - bytesRead + start;
      yield { data: first, bounds: [0, first.length] };
      nl = data.indexOf(10, start);
    }
    const bounds: number[] = [];
    while (nl !== -1) {
      bounds.push(start, nl);
      start = nl + 1;
      nl = data.indexOf(10, start);
    }
    if (start < bytesRead) {
      carry.push(Buffer.from(data.subarray(start)));
      carryLen += bytesRead - start;
    }
    if (bounds.length > 0) {
      state.pos = filePos - carryLen;
      yield { data, bounds };
    }
  }
}

/**
 * Offset of the first of the last `n` complete records, scanning backwards from `size` in blocks.
 * Bytes after the last '\n' are a record still being written and do not count.
 */
export async function findTailStart(fh: FileHandle, size: number, n: number): Promise<{ pos: number; count: number }> {
  const buf = Buffer.allocUnsafe(BLOCK);
  let end = size;
  let newlines = 0;
  while (end > 0) {
    const start = Math.max(0, end - BLOCK);
    const len = end - start;
    const { bytesRead } = await fh.read(buf, 0, len, start);
    let i = bytesRead - 1;
    while (i >= 0) {
      const nl = buf.lastIndexOf(10, i);
      if (nl === -1) break;
      newlines++;
      // the 1st newline ends the last record; the (n+1)th ends the record before the wanted ones
      if (newlines === n + 1) return { pos: start + nl + 1, count: n };
      i = nl - 1;
    }
    end = start;
  }
  return { pos: 0, count: newlines };
}

/** Wakes a follower on fs.watch events, on a poll timer, or on abort; never misses an event between arm() and wait(). */
class ChangeWatcher {
  #watcher: fs.FSWatcher | undefined;
  #dirty = false;
  #wake: (() => void) | undefined;
  #path: string;
  #signal: AbortSignal | undefined;
  #intervalMs: number;
  #onAbort = (): void => this.#wake?.();

  constructor(path: string, signal: AbortSignal | undefined, intervalMs: number) {
    this.#path = path;
    this.#signal = signal;
    this.#intervalMs = intervalMs;
    signal?.addEventListener('abort', this.#onAbort);
    this.#tryWatch();
  }

  #tryWatch(): void {
    if (this.#watcher !== undefined) return;
    try {
      const w = fs.watch(this.#path, { persistent: false }, () => {
        this.#dirty = true;
        this.#wake?.();
      });
      w.on('error', () => {
        w.close();
        if (this.#watcher === w) this.#watcher = undefined;
      });
      this.#watcher = w;
    } catch {
      // file missing, inotify limits, …: the poll timer covers it
    }
  }

  /** Watch `path` again (it is a new file now). */
  rewatch(): void {
    this.#watcher?.close();
    this.#watcher = undefined;
    this.#tryWatch();
  }

  /** Forget earlier events: the caller is about to read everything there is. */
  arm(): void {
    this.#dirty = false;
  }

  wait(): Promise<void> {
    this.#tryWatch();
    if (this.#dirty || this.#signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.#intervalMs);
      const self = this;
      function done(): void {
        clearTimeout(timer);
        self.#wake = undefined;
        resolve();
      }
      this.#wake = done;
    });
  }

  close(): void {
    this.#signal?.removeEventListener('abort', this.#onAbort);
    this.#watcher?.close();
    this.#watcher = undefined;
    this.#wake?.();
  }
}
