// Reads json-file logs (dockerd's format, see json-file-writer.ts) as an async iterable of records,
// with dockerd's semantics for `docker logs`: `tail` counts the last N records of all streams, then
// since/until apply, then stream filtering (as dockerd's WriteLogStream filters by source last), so
// `tail=5&stderr=0` may yield fewer than five. tail finds its start by reading the file backwards in
// blocks, so it costs the size of the tail, not of the log. `follow` keeps reading what is appended
// (fs.watch, with a poll as fallback) until the signal aborts, the consumer stops iterating, a record
// passes `until`, or isRunning() reports false and everything written so far has been read.
import fs from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { LogStream } from './json-file-writer.js';
import { dateToEpochNanos, parseRfc3339Millis, parseRfc3339Nano } from './rfc3339-nano.js';

export interface LogRecord {
  stream: LogStream;
  /** the logged bytes, with their trailing '\n' unless the record was a partial line */
  line: Buffer;
  time: Date;
  /** the record's time as written (RFC3339Nano), nanoseconds intact */
  timeText: string;
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

const BLOCK = 64 * 1024;

export async function* readJsonLog(path: string, options: ReadJsonLogOptions): AsyncGenerator<LogRecord, void, undefined> {
  const { signal } = options;
  if (signal?.aborted) return;
  const sinceNs = options.since === undefined ? undefined : dateToEpochNanos(options.since);
  const untilNs = options.until === undefined ? undefined : dateToEpochNanos(options.until);
  const needNs = sinceNs !== undefined || untilNs !== undefined;

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
    if (tail !== undefined && tail >= 0) {
      state.pos = await findTailStart(fh, (await fh.stat()).size, tail);
    }

    for (;;) {
      watcher?.arm();
      // Sampled before reading: if the container had stopped by now, this read sees all it wrote.
      const running = options.isRunning?.() ?? true;
      const size = (await fh.stat()).size;
      if (size < state.pos) state.pos = 0; // truncated under us: start over. TODO: rotation.
      for await (const batch of readLines(fh, state, size)) {
        for (const raw of batch) {
          const rec = decodeRecord(raw);
          if (rec === undefined) continue;
          if (needNs) {
            const ns = parseRfc3339Nano(rec.timeText);
            if (ns !== undefined) {
              if (sinceNs !== undefined && ns < sinceNs) continue;
              if (untilNs !== undefined && ns > untilNs) return;
            }
          }
          if (rec.stream === 'stdout' ? !options.stdout : !options.stderr) continue;
          yield rec;
          if (signal?.aborted) return;
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
}

function decodeRecord(raw: Buffer): LogRecord | undefined {
  let obj: ParsedRecord;
  try {
    obj = JSON.parse(raw.toString('utf8')) as ParsedRecord;
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
  };
}

/**
 * Complete lines ('\n' excluded) of fh from state.pos up to `limit`, a block's worth at a time (one
 * await per block, not per line). state.pos advances past yielded lines only, so a half-written
 * last line is read again, whole, next time. Yielded buffers may be reused once the consumer asks
 * for the next batch.
 */
async function* readLines(fh: FileHandle, state: { pos: number }, limit: number): AsyncGenerator<Buffer[], void, undefined> {
  const buf = Buffer.allocUnsafe(BLOCK);
  let carry: Buffer[] = [];
  let carryLen = 0;
  let filePos = state.pos;
  while (filePos < limit) {
    const { bytesRead } = await fh.read(buf, 0, Math.min(BLOCK, limit - filePos), filePos);
    if (bytesRead === 0) break;
    filePos += bytesRead;
    const data = buf.subarray(0, bytesRead);
    const lines: Buffer[] = [];
    let start = 0;
    let nl = data.indexOf(10, 0);
    if (carryLen > 0 && nl !== -1) {
      lines.push(Buffer.concat([...carry, data.subarray(0, nl)], carryLen + nl));
      carry = [];
      carryLen = 0;
      start = nl + 1;
      nl = data.indexOf(10, start);
    }
    while (nl !== -1) {
      lines.push(data.subarray(start, nl));
      start = nl + 1;
      nl = data.indexOf(10, start);
    }
    if (start < bytesRead) {
      carry.push(Buffer.from(data.subarray(start)));
      carryLen += bytesRead - start;
    }
    if (lines.length > 0) {
      state.pos = filePos - carryLen;
      yield lines;
    }
  }
}

/**
 * Offset of the first of the last `n` complete records, scanning backwards from `size` in blocks.
 * Bytes after the last '\n' are a record still being written and do not count.
 */
export async function findTailStart(fh: FileHandle, size: number, n: number): Promise<number> {
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
      if (newlines === n + 1) return start + nl + 1;
      i = nl - 1;
    }
    end = start;
  }
  return 0;
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
