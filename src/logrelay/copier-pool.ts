// Copiers started ahead of need, so that a container start with the log relay spawns no process.
// Each pooled copier is already blocked opening a pool FIFO, its stdout a pool spool file; a start
// takes one per output stream and renames its spool and FIFO into the container's FIFO directory
// (same filesystem: the pool lives under the exec root). The copier's open(2) has resolved the
// FIFO's inode already, so it meets the shim's open of the new name. Refilled in the background
// once starts are quiet for a moment; nothing is spawned before the first relayed start (an idle berthd has none). A
// start that finds the pool empty spawns its copiers on the spot and the pool grows (bursts of starts).
// Once no copier was taken for SHRINK_AFTER_MS the pool is back to its first size and the copiers
// beyond it are ended: a burst leaves no lasting crowd of idle processes (about 60 KiB each).
//
// A berthd killed with -9 leaves its idle pool copiers blocked in open(2): the next berthd ends every
// copier started on a pool FIFO that has not opened it (those that did serve a container).
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { copierFifoArg, copierWaitingToOpen, spawnCopier } from './copier.js';

export interface PooledCopier {
  child: ChildProcess;
  pid: number;
}

interface Entry extends PooledCopier {
  fifo: string;
  spool: string;
  exited: boolean;
  spawnedAt: number;
}

/** The most copiers kept ready (a pool grows by one per copier it could not hand out). */
const MAX_SIZE = 64;
/** A copier not seen blocked in open(2) this long after its spawn: this kernel does not say (no pool). */
const NEVER_WAITING_MS = 30_000;
/**
 * Refilled once no copier was taken for this long: a spawn blocks berthd's event loop for a few ms
 * (fork of a big process), which, done at once, would land in the middle of the start that took them.
 */
const REFILL_QUIET_MS = 250;
/** Under starts that never pause for REFILL_QUIET_MS (churn), the pool is refilled anyway after this long. */
const REFILL_MAX_DEFER_MS = 1_000;
/** A pool grown by a burst goes back to its first size after this long without a take. */
const SHRINK_AFTER_MS = 10_000;

export interface CopierPoolOptions {
  /** copiers kept ready at first (two per container: stdout and stderr) */
  size?: number;
  /** makes FIFOs at the given paths (the FIFO pool) */
  makeFifos: (targets: string[]) => Promise<void>;
  log?: (msg: string) => void;
  /** how long without a take before a grown pool shrinks back (tests) */
  shrinkAfterMs?: number;
}

export class CopierPool {
  private readonly ready: Entry[] = [];
  private refilling: Promise<void> | undefined;
  private lastTake = 0;
  private refillTimer: NodeJS.Timeout | undefined;
  /** when the pending refill was first put off by a start (0: none put off) */
  private deferredSince = 0;
  private seq = 0;
  private size: number;
  private readonly baseSize: number;
  private shrinkTimer: NodeJS.Timeout | undefined;
  private exitHook: (() => void) | undefined;

  constructor(private readonly dir: string, private readonly options: CopierPoolOptions) {
    this.size = this.baseSize = options.size ?? 8;
    if (fs.existsSync(dir)) {
      endStaleCopiers(dir);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  /** Copiers ready to hand out (for tests). */
  get available(): number {
    return this.ready.length;
  }

  /**
   * A pooled copier for `fifo`: its FIFO and spool renamed to `fifo` and `spool`. Undefined when the
   * pool is empty or a rename fails (the caller spawns one on the spot); refills in the background.
   */
  take(fifo: string, spool: string): PooledCopier | undefined {
    let got: PooledCopier | undefined;
    // the oldest first; one not yet blocked in open(2) (just spawned, a loaded host) stays for later
    for (let i = 0; !got && i < this.ready.length;) {
      const e = this.ready[i]!;
      if (e.exited) { this.ready.splice(i, 1); dismiss(e); continue; }
      if (!copierWaitingToOpen(e.pid)) {
        if (Date.now() - e.spawnedAt > NEVER_WAITING_MS) return this.disable();
        i++;
        continue;
      }
      this.ready.splice(i, 1);
      try {
        // spool first: a berthd killed between the two leaves the FIFO in the pool, and the copier is ended at the next start
        fs.renameSync(e.spool, spool);
        fs.renameSync(e.fifo, fifo);
        got = { child: e.child, pid: e.pid };
      } catch (err) {
        this.options.log?.(`copier pool: ${(err as Error).message}`);
        dismiss(e);
      }
    }
    // missed (a burst of starts): keep more ready from now on
    if (!got && this.size > 0) this.size = Math.min(MAX_SIZE, this.size + 1);
    this.lastTake = Date.now();
    this.refillSoon();
    if (this.size > this.baseSize) this.shrinkLater();
    return got;
  }

  /** Once takes stop for SHRINK_AFTER_MS, back to the first size: the extra idle copiers are ended. */
  private shrinkLater(): void {
    if (this.shrinkTimer) return;
    const after = this.options.shrinkAfterMs ?? SHRINK_AFTER_MS;
    this.shrinkTimer = setTimeout(() => {
      this.shrinkTimer = undefined;
      if (this.size <= this.baseSize) return;
      if (Date.now() - this.lastTake < after) { this.shrinkLater(); return; }
      this.size = this.baseSize;
      // the newest go: the oldest are surely blocked in open(2), ready to hand out
      for (const e of this.ready.splice(this.size)) dismiss(e);
    }, after);
    this.shrinkTimer.unref();
  }

  /** Refills once starts have been quiet for REFILL_QUIET_MS. */
  private refillSoon(): void {
    if (this.refillTimer) return;
    this.refillTimer = setTimeout(() => {
      this.refillTimer = undefined;
      const now = Date.now();
      if (now - this.lastTake >= REFILL_QUIET_MS || (this.deferredSince > 0 && now - this.deferredSince >= REFILL_MAX_DEFER_MS)) {
        this.deferredSince = 0;
        this.refill(now - this.lastTake < REFILL_QUIET_MS);
        return;
      }
      if (this.deferredSince === 0) this.deferredSince = now;
      this.refillSoon();
    }, REFILL_QUIET_MS);
    this.refillTimer.unref();
  }

  /**
   * Fills the pool up to its size in the background (one spawn per turn of the event loop), now.
   * A start meanwhile stops it, unless `evenIfBusy` (starts that never pause).
   */
  refill(evenIfBusy = false): void {
    if (this.refilling || this.ready.length >= this.size || this.size === 0) return;
    this.refilling = (async (): Promise<void> => {
      await fs.promises.mkdir(this.dir, { recursive: true, mode: 0o700 });
      this.hookExit();
      // a start meanwhile: stop, and go on once quiet again
      while (this.ready.length < this.size && (evenIfBusy || Date.now() - this.lastTake >= REFILL_QUIET_MS)) {
        const base = path.join(this.dir, `copier-${++this.seq}`);
        const e: Entry = { fifo: base, spool: `${base}.spool`, child: undefined!, pid: 0, exited: false, spawnedAt: 0 };
        await this.options.makeFifos([e.fifo]);
        await new Promise((resolve) => setImmediate(resolve));
        e.child = spawnCopier(e.fifo, e.spool);
        e.pid = e.child.pid ?? 0;
        e.spawnedAt = Date.now();
        e.child.once('exit', () => { e.exited = true; });
        e.child.once('error', () => { e.exited = true; });
        if (this.size === 0) dismiss(e); // disabled meanwhile
        else this.ready.push(e);
      }
    })()
      .catch((err: unknown) => this.options.log?.(`copier pool: ${(err as Error).message}`))
      .finally(() => {
        this.refilling = undefined;
        if (this.ready.length < this.size && this.size > 0) this.refillSoon();
      });
  }

  /** Copiers are spawned on the spot from now on (their wait in open(2) cannot be seen here). */
  private disable(): undefined {
    this.options.log?.('copier pool: off (a copier blocked in open(2) cannot be told from /proc here)');
    this.size = 0;
    this.dispose();
    return undefined;
  }

  /** Ends the idle copiers (berthd exiting). */
  dispose(): void {
    for (const e of this.ready.splice(0)) dismiss(e);
    if (this.refillTimer) clearTimeout(this.refillTimer);
    this.refillTimer = undefined;
    if (this.shrinkTimer) clearTimeout(this.shrinkTimer);
    this.shrinkTimer = undefined;
    if (this.exitHook) process.off('exit', this.exitHook);
    this.exitHook = undefined;
  }

  private hookExit(): void {
    if (this.exitHook) return;
    this.exitHook = () => this.dispose();
    process.once('exit', this.exitHook);
  }
}

function dismiss(e: Entry): void {
  // an exited copier's pid may be someone else's by now
  if (!e.exited) try { process.kill(e.pid, 'SIGKILL'); } catch { /* gone */ }
  fs.rmSync(e.fifo, { force: true });
  fs.rmSync(e.spool, { force: true });
}

/** Ends copiers started on a FIFO under `dir` (a previous berthd's pool) that never opened it. */
export function endStaleCopiers(dir: string): number {
  let ended = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const fifo = copierFifoArg(pid);
    if (!fifo?.startsWith(dir + path.sep) || !copierWaitingToOpen(pid)) continue;
    try { process.kill(pid, 'SIGKILL'); ended++; } catch { /* gone */ }
  }
  return ended;
}
