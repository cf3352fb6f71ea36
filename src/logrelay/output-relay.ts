// A container's output, from its FIFO to its log, such that a berthd killed with -9 loses none of it.
//
// Whatever a process reads from a pipe has left the kernel: if berthd read the FIFO itself, a kill
// between its read() and the write() of the log would lose that chunk (up to 64 KiB: measured, see
// scripts/fifo-kill-repro.mjs). So berthd never reads the FIFO. A copier process (`cat FIFO >> spool`,
// in its own session, so it outlives berthd: copier.ts; usually spawned ahead of time, copier-pool.ts)
// moves the bytes into a spool file, and berthd reads the spool, which reading does not consume. A small journal tells the next berthd where to resume:
// before each batch goes to the log it says "spool [a, b) is being appended at log size L", after it
// "logged up to b". Batches are written one at a time (the writer writes before write() returns), so
// a kill between the two leaves that batch as the last thing in the log: whole (resume at b), not
// there at all (resume at a), or torn (cut the log back to L, resume at a). Nothing is lost and
// nothing is written twice.
//
// The spool stays small: once berthd has logged all of it, the copier is stopped for a moment and the
// spool truncated. Backpressure is kept: when berthd (or an attached client) falls behind by more
// than HIGH_WATER bytes, the copier is stopped, the FIFO fills and the container waits, as before.
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { MAX_PARTIAL_LINE } from '../logger/json-file-writer.js';
import { copierAlive, spawnCopier } from './copier.js';
import type { PooledCopier } from './copier-pool.js';

/** Bytes handed to the consumer at most at once. */
const READ_CHUNK = 256 * 1024;
/**
 * One read buffer for every relay: each chunk is copied out before the sink sees it, and a step runs
 * synchronously from read to copy, so sharing is safe. (A 256 KiB buffer per step made bursts of full
 * GCs with 50 busy relays, stalling container starts for seconds.)
 */
const scratch = Buffer.allocUnsafe(READ_CHUNK);
/** The copier is stopped while this much is spooled and not yet logged... */
const HIGH_WATER = 4 * 1024 * 1024;
/** ...and the spool is truncated once everything in it is logged and it is at least this big. */
const TRIM_AT = 256 * 1024;
/** How often the spool is looked at when no change notification came (a fallback). */
const POLL_MS = 200;
const JOURNAL_BYTES = 64;
/** Bytes handed over in one go before the relay lets the event loop run (other requests, timers). */
const YIELD_AFTER = 1 << 20;

export type OutputStream = 'stdout' | 'stderr';
/** Takes a chunk; a promise returned pauses the relay until it settles (a slow client). */
export type ChunkSink = (chunk: Buffer) => Promise<unknown> | undefined;

export interface RelayLog {
  /** the json-file log this stream's records go to, and its current size */
  path: string;
  stream: OutputStream;
}

export interface RelayFiles {
  spool: string;
  journal: string;
  pid: string;
}

export function relayFiles(fifo: string): RelayFiles {
  return { spool: `${fifo}.spool`, journal: `${fifo}.journal`, pid: `${fifo}.copier` };
}

interface Journal { a: number; b: number; l: number }

function readJournal(file: string): Journal | undefined {
  let text: string;
  try { text = fs.readFileSync(file, 'utf8'); } catch { return undefined; }
  const [a, b, l] = text.trim().split(' ').map(Number);
  if (![a, b, l].every((n) => Number.isSafeInteger(n) && n! >= 0)) return undefined;
  return { a: a!, b: b!, l: l! };
}

function fileSize(path: string): number {
  try { return fs.statSync(path).size; } catch { return 0; }
}

/** Waits (briefly, synchronously) until `pid` is in the stopped state; false if it does not get there. */
function waitStopped(pid: number): boolean {
  const until = Date.now() + 5; // not stopped by then (a loaded host): truncated another time
  do {
    try {
      if (/\) [Tt] /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'))) return true;
    } catch { return false; }
  } while (Date.now() < until);
  return false;
}

/**
 * Decoded bytes of `stream`'s records in `log` from `from` on, or -1 when a line there is not a whole
 * record (a write torn by the kill).
 */
function loggedBytesSince(log: string, from: number, stream: OutputStream): number {
  const fd = fs.openSync(log, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const buf = Buffer.alloc(size - from);
    let got = 0;
    while (got < buf.length) {
      const n = fs.readSync(fd, buf, got, buf.length - got, from + got);
      if (n === 0) break;
      got += n;
    }
    const text = buf.subarray(0, got).toString('utf8');
    if (!text.endsWith('\n')) return -1;
    let total = 0;
    for (const line of text.slice(0, -1).split('\n')) {
      let rec: { log?: unknown; stream?: unknown };
      try { rec = JSON.parse(line) as typeof rec; } catch { return -1; }
      if ((rec.stream === 'stderr' ? 'stderr' : 'stdout') !== stream) continue;
      if (typeof rec.log === 'string') total += Buffer.byteLength(rec.log);
    }
    return total;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Where to resume in the spool after a restart, given the journal and the log (cuts a torn batch off
 * the log). Exported for tests.
 */
export function recoverPosition(files: RelayFiles, log: RelayLog | undefined): number {
  const j = readJournal(files.journal);
  if (!j) return 0;
  const spoolSize = fileSize(files.spool);
  if (j.b > spoolSize) return 0; // the spool was truncated after the journal was written
  if (j.a === j.b || !log) return j.b;
  // the kill came while this batch was being written: it is the log's last write
  const logSize = fileSize(log.path);
  if (logSize < j.l) return j.b; // rotated during it: the batch was written
  if (logSize === j.l) return j.a; // never written
  if (loggedBytesSince(log.path, j.l, log.stream) === j.b - j.a) return j.b;
  // torn (or not comparable byte for byte, invalid UTF-8): take it back and write it again
  fs.truncateSync(log.path, j.l);
  return j.a;
}

export interface OutputRelayOptions {
  /** start a copier when none is running (false: the task is gone, only drain what is spooled) */
  startCopier: boolean;
  /** a copier already reading this FIFO into this spool (from the pool: src/logrelay/copier-pool.ts) */
  copier?: PooledCopier;
}

export class OutputRelay {
  readonly fifo: string;
  readonly files: RelayFiles;
  #copier: ChildProcess | undefined;
  #copierPid = 0;
  #copierDone = false;
  #checkedAt = 0;
  #stopped = false;
  #spoolFd: number;
  #journalFd: number;
  /** spool offset handed to the consumer so far */
  #emitted = 0;
  /** spool offset up to which the log holds everything (the writer keeps no part of it in memory) */
  #durable = 0;
  /** spool offset where the line being written started */
  #lineStart = 0;
  #positioned = false;
  #busy = false;
  /** the sink asked to wait (a promise pending) or the relay yielded: only that may wake it again */
  #held = false;
  #closed = false;
  #ended = false;
  #endResolve: (() => void) | undefined;
  #watcher: fs.FSWatcher | undefined;
  #timer: NodeJS.Timeout | undefined;
  #sink: ChunkSink | undefined;
  #log: RelayLog | undefined;

  /** Opens (or, after a restart, takes over) the relay of `fifo`. The FIFO must exist. */
  constructor(fifo: string, options: OutputRelayOptions) {
    this.fifo = fifo;
    this.files = relayFiles(fifo);
    this.#spoolFd = fs.openSync(this.files.spool, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o600);
    this.#journalFd = fs.openSync(this.files.journal, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o600);
    if (options.copier) {
      this.#adopt(options.copier.child, options.copier.pid);
      return;
    }
    const pid = Number(fs.existsSync(this.files.pid) ? fs.readFileSync(this.files.pid, 'utf8') : 0);
    if (pid > 0 && copierAlive(pid, this.files.spool)) {
      this.#copierPid = pid;
      this.#stopped = true; // a berthd may have died with it stopped: resumed once positioned
    } else if (options.startCopier) {
      this.#startCopier();
    } else {
      this.#copierDone = true;
    }
  }

  #startCopier(): void {
    // The copier opens the FIFO itself (a blocking open that meets the shim's) and appends to the spool.
    const child = spawnCopier(this.fifo, this.files.spool);
    this.#adopt(child, child.pid ?? 0);
  }

  #adopt(child: ChildProcess, pid: number): void {
    this.#copier = child;
    this.#copierPid = pid;
    fs.writeFileSync(this.files.pid, String(pid));
    if (child.exitCode !== null || child.signalCode !== null) { this.#copierDone = true; return; }
    child.once('exit', () => { this.#copierDone = true; this.#wake(); });
    child.once('error', () => { this.#copierDone = true; this.#wake(); });
  }

  /**
   * Hands the output to `sink` until the copier has ended and everything is handed over. With `log`,
   * journals each chunk against that json-file log first (the sink must have written a chunk to it by
   * the time it returns).
   */
  pump(sink: ChunkSink, log?: RelayLog): Promise<void> {
    this.#sink = sink;
    this.#log = log;
    if (!this.#positioned) {
      this.#positioned = true;
      const at = recoverPosition(this.files, log);
      this.#emitted = this.#durable = this.#lineStart = at;
      this.#writeJournal(at, at, 0);
    }
    if (this.#stopped) this.#signal('SIGCONT');
    try {
      this.#watcher = fs.watch(this.files.spool, () => this.#wake());
      this.#watcher.on('error', () => undefined);
    } catch { /* polling only */ }
    const done = new Promise<void>((resolve) => { this.#endResolve = resolve; });
    this.#wake();
    return done;
  }

  /** Stops handing over (berthd shutting down with containers left running); the copier keeps going. */
  detach(): void {
    this.#finish(false);
  }

  /** Stops and ends the copier (the task is gone or its output is no longer wanted). */
  close(): void {
    this.#finish(true);
  }

  #finish(killCopier: boolean): void {
    if (this.#closed) return;
    this.#closed = true;
    // the writer's unterminated tail is flushed when it closes, right after this: count it as logged
    if (this.#positioned && this.#log) this.#writeJournal(this.#emitted, this.#emitted, 0);
    this.#watcher?.close();
    if (this.#timer) clearTimeout(this.#timer);
    if (killCopier && !this.#copierDone && this.#copierPid > 0) this.#signal('SIGKILL');
    else if (this.#stopped) this.#signal('SIGCONT');
    fs.closeSync(this.#spoolFd);
    fs.closeSync(this.#journalFd);
    this.#end();
  }

  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#endResolve?.();
  }

  #signal(sig: NodeJS.Signals): void {
    try { process.kill(this.#copierPid, sig); } catch { /* gone */ }
    if (sig === 'SIGCONT') this.#stopped = false;
    if (sig === 'SIGSTOP') this.#stopped = true;
  }

  #writeJournal(a: number, b: number, l: number): void {
    const buf = Buffer.alloc(JOURNAL_BYTES, ' ');
    buf.write(`${a} ${b} ${l}`);
    buf[JOURNAL_BYTES - 1] = 10;
    fs.writeSync(this.#journalFd, buf, 0, JOURNAL_BYTES, 0);
  }

  #wake(): void {
    if (this.#closed || this.#busy || this.#held || !this.#sink) return;
    if (this.#timer) { clearTimeout(this.#timer); this.#timer = undefined; }
    this.#busy = true;
    try {
      this.#step();
    } finally {
      this.#busy = false;
    }
  }

  #copierGone(): boolean {
    if (this.#copierDone) return true;
    // a copier taken over after a restart is not our child: /proc says when it ends (looked at seldom)
    if (!this.#copier && Date.now() - this.#checkedAt >= POLL_MS) {
      this.#checkedAt = Date.now();
      if (!copierAlive(this.#copierPid, this.files.spool)) this.#copierDone = true;
    }
    return this.#copierDone;
  }

  /** Hands over what is spooled, chunk by chunk, until caught up or the sink asks to wait. */
  #step(): void {
    const sink = this.#sink!;
    const buf = scratch;
    let handed = 0;
    for (;;) {
      if (this.#closed) return;
      // read before looking at the copier: once it is gone, what the spool has is all there is
      const gone = this.#copierGone();
      const size = fs.fstatSync(this.#spoolFd).size;
      if (size > this.#emitted) {
        const n = fs.readSync(this.#spoolFd, buf, 0, Math.min(READ_CHUNK, size - this.#emitted), this.#emitted);
        const chunk = Buffer.from(buf.subarray(0, n));
        const end = this.#emitted + n;
        const nl = chunk.lastIndexOf(10);
        if (nl !== -1) this.#lineStart = this.#emitted + nl + 1;
        // the writer keeps the unterminated rest of a line in memory, minus whole 16 KiB pieces
        const durable = this.#lineStart + Math.floor((end - this.#lineStart) / MAX_PARTIAL_LINE) * MAX_PARTIAL_LINE;
        if (this.#log) this.#writeJournal(this.#durable, durable, fileSize(this.#log.path));
        const wait = sink(chunk);
        this.#emitted = end;
        this.#durable = durable;
        if (this.#log) this.#writeJournal(durable, durable, 0);
        this.#regulate(size);
        // a spool change (fs.watch) must not wake the relay while the sink waits: that would hand a
        // congested client chunk after chunk, buffered in berthd without bound
        if (wait) {
          this.#hold(wait);
          return;
        }
        handed += n;
        if (handed >= YIELD_AFTER) {
          this.#hold(new Promise((resolve) => setImmediate(resolve)));
          return;
        }
        continue;
      }
      if (gone) {
        this.#end();
        this.#finish(false);
        return;
      }
      this.#regulate(size);
      this.#timer = setTimeout(() => this.#wake(), POLL_MS);
      this.#timer.unref?.();
      return;
    }
  }

  #hold(until: Promise<unknown>): void {
    this.#held = true;
    void until.finally(() => {
      this.#held = false;
      this.#wake();
    });
  }

  /** Backpressure and truncation of the spool. */
  #regulate(size: number): void {
    if (this.#copierDone) return;
    const behind = size - this.#emitted;
    if (behind > HIGH_WATER) {
      if (!this.#stopped) this.#signal('SIGSTOP');
      return;
    }
    if (behind === 0 && this.#durable === this.#emitted && size >= TRIM_AT) {
      if (!this.#stopped) this.#signal('SIGSTOP');
      // once stopped the copier appends nothing (a write in progress has finished)
      if (waitStopped(this.#copierPid) && fs.fstatSync(this.#spoolFd).size === size) {
        fs.ftruncateSync(this.#spoolFd, 0);
        this.#writeJournal(0, 0, 0);
        this.#emitted = this.#durable = this.#lineStart = 0;
      }
    }
    if (this.#stopped && behind <= HIGH_WATER / 2) this.#signal('SIGCONT');
  }
}
