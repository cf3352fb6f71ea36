// FIFOs made ahead of need. Node has no mkfifo(3), and spawning mkfifo costs 5–15 ms on the
// start and exec paths; the pool makes them in batches with one mkfifo process, off the critical
// path, and hands them out by rename(2) (same filesystem: the pool lives under the exec root, as
// the FIFO directories do). Empty pool or failed rename: the FIFO is made on the spot, as before.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const MKFIFO = '/usr/bin/mkfifo';

/** One mkfifo process makes every path in `paths` (mode 0600). */
export function mkfifos(paths: string[]): Promise<void> {
  if (paths.length === 0) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    execFile(MKFIFO, ['-m', '0600', ...paths], (err, _stdout, stderr) => {
      if (err) reject(new Error(`mkfifo ${paths.join(' ')}: ${stderr.trim() || err.message}`, { cause: err }));
      else resolve();
    });
  });
}

export interface FifoPoolOptions {
  /** FIFOs made per mkfifo run */
  batch?: number;
  /** refill when fewer are left */
  low?: number;
  log?: (msg: string) => void;
}

export class FifoPool {
  private readonly ready: string[] = [];
  private refilling: Promise<void> | undefined;
  private seq = 0;
  private readonly batch: number;
  private readonly low: number;

  /** `dir` is emptied: FIFOs a previous daemon left there are not trusted. */
  constructor(private readonly dir: string, private readonly options: FifoPoolOptions = {}) {
    this.batch = options.batch ?? 64;
    this.low = options.low ?? 24;
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  /** FIFOs ready to hand out (for tests). */
  get size(): number {
    return this.ready.length;
  }

  /** Starts filling the pool in the background (at daemon start). */
  warm(): Promise<void> {
    this.refill();
    return this.refilling ?? Promise.resolve();
  }

  /** Makes a FIFO at each of `targets` (which must not exist): pooled ones renamed, the rest made now. */
  async place(targets: string[]): Promise<void> {
    const missing: string[] = [];
    for (const target of targets) {
      const pooled = this.ready.pop();
      if (pooled === undefined) { missing.push(target); continue; }
      try {
        fs.renameSync(pooled, target);
      } catch {
        missing.push(target);
      }
    }
    if (this.ready.length < this.low) this.refill();
    await mkfifos(missing);
  }

  private refill(): void {
    if (this.refilling) return;
    const names = Array.from({ length: this.batch }, () => path.join(this.dir, `fifo-${++this.seq}`));
    this.refilling = (async (): Promise<void> => {
      await fs.promises.mkdir(this.dir, { recursive: true, mode: 0o700 });
      await mkfifos(names);
      this.ready.push(...names);
    })()
      .catch((err: unknown) => this.options.log?.(`fifo pool: ${(err as Error).message}`))
      .finally(() => { this.refilling = undefined; });
  }
}
