// Exits: containerd's exit and OOM events (and what a containerd restart made us miss) turned into
// the container's exit — output drained, task released, state recorded — then the restart policy
// or AutoRemove, and the participants' afterExit.
import { removeInBackground } from '../internal/background-remove.js';
import { Spans } from '../internal/spans.js';
import type { RuntimeEvent } from '../runtime/runtime.js';
import type { Container } from './container.js';
import { sleep, type DaemonContext } from './context.js';
import type { Restarts } from './restarts.js';
import { unmountShm } from './shm-mount.js';

const DRAIN_TIMEOUT_MS = 2000;

export class ExitMonitor {
  private readonly inProgress = new Map<string, Promise<void>>();
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly ctx: DaemonContext,
    private readonly restarts: Restarts,
    private readonly start: (c: Container) => Promise<void>,
    private readonly remove: (c: Container) => Promise<void>,
  ) {}

  /** Follows containerd's events; after its event stream reconnects, looks for exits it missed. */
  subscribe(): void {
    this.unsubscribe = this.ctx.runtime.subscribe((e) => this.onRuntimeEvent(e), () => void this.reconcile());
  }

  close(): void {
    this.unsubscribe?.();
  }

  private onRuntimeEvent(e: RuntimeEvent): void {
    if (e.type === 'exit') {
      const { containerId, execId } = e.event;
      if (execId && execId !== containerId) return; // exec processes: the exec service's
      void this.handleExit(containerId, e.event.exitStatus, e.event.exitedAt);
    } else if (e.type === 'oom') {
      const c = this.ctx.tryGet(e.containerId);
      if (c) { c.record.state.oomKilled = true; this.ctx.emit(c, 'oom'); }
    }
  }

  /** After a containerd restart: exits we missed are found by asking for every running task. */
  private async reconcile(): Promise<void> {
    const tasks = new Map((await this.ctx.runtime.listTasks().catch(() => [])).map((t) => [t.containerId, t]));
    for (const c of this.ctx.store.list()) {
      if (!c.running) continue;
      const t = tasks.get(c.id);
      if (!t || t.status === 'stopped') void this.handleExit(c.id, t?.exitStatus ?? 255, new Date());
    }
  }

  private handleExit(id: string, exitStatus: number, exitedAt: Date): Promise<void> {
    const c = this.ctx.tryGet(id);
    if (!c || !this.ctx.io.has(id)) return this.inProgress.get(id) ?? Promise.resolve();
    const existing = this.inProgress.get(id);
    if (existing) return existing;
    // a failure here (the disk full when the state is saved) is logged: it must not take berthd down
    const p = this.finishExit(c, exitStatus, exitedAt)
      .catch((err: unknown) => this.ctx.config.log(`exit of ${id}: ${(err as Error).message}`))
      .finally(() => this.inProgress.delete(id));
    this.inProgress.set(id, p);
    return p;
  }

  /** Resolves when every exit being handled has finished, its teardown included (shutdown). */
  async idle(): Promise<void> {
    while (this.inProgress.size > 0) await Promise.all([...this.inProgress.values()]);
  }

  /**
   * Drains output and records the exit (state, `die`, `next-exit`/`not-running` waiters), then —
   * in the background as far as those waiters are concerned, but under the container's lock, so a
   * start, rm or restart waits for it — releases the task and the containerd container, and applies
   * the restart policy or AutoRemove (whose `removed` waiters wake only once the removal is done).
   * Not while restoring: the Daemon applies policies once every container is known.
   */
  async finishExit(c: Container, exitStatus: number, exitedAt: Date, options: { restoring?: boolean } = {}): Promise<void> {
    const { store } = this.ctx;
    const spans = new Spans(`exit ${c.id.slice(0, 12)}`);
    await this.ctx.starting.get(c.id);
    const io = this.ctx.io.get(c.id);
    if (io) {
      await Promise.race([io.drained, sleep(DRAIN_TIMEOUT_MS)]);
      spans.mark('drain');
      this.ctx.io.delete(c.id);
      await io.writer.close().catch(() => undefined);
      io.fifos.close();
      spans.mark('log-close');
    }
    c.streams.setStdin(undefined);
    if (options.restoring) {
      // an exit that happened while berthd was away: containerd's record of it is the truth
      const deleted = await this.ctx.runtime.deleteTask(c.id).catch(() => undefined);
      if (deleted) { exitStatus = deleted.exitStatus; if (deleted.exitedAt.getTime() > 0) exitedAt = deleted.exitedAt; }
    }
    const finished = exitedAt.getTime() > 0 ? exitedAt : new Date();
    const decision = this.ctx.shuttingDown || options.restoring
      ? { restart: false as const }
      : this.restarts.managerOf(c).shouldRestart(exitStatus, c.record.hasBeenManuallyStopped, finished.getTime() - Date.parse(c.record.state.startedAt));
    if (decision.restart) c.record.restartCount++;
    c.record.state = {
      ...c.record.state,
      status: decision.restart ? 'restarting' : 'exited',
      pid: 0,
      exitCode: exitStatus,
      finishedAt: finished.toISOString(),
    };
    try {
      store.save(c);
    } catch (err) {
      // the disk full: the exit still counts (waiters, teardown); the record is written at the next save
      this.ctx.config.log(`saving the exit of ${c.id}: ${(err as Error).message}`);
    }
    const ran = Math.max(0, finished.getTime() - Date.parse(c.record.state.startedAt));
    this.ctx.emit(c, 'die', { exitCode: String(exitStatus), execDuration: String(Math.floor(ran / 1000)) });
    spans.mark('save');
    // queued on the lock before any waiter woken below can queue a start or a removal
    const teardown = c.exclusive(() => this.teardown(c, spans));
    c.streams.endAll();
    c.notifyExit();
    c.stopping = false;
    await teardown;
    if (decision.restart) {
      void this.restarts.restartAfter(c, decision.delayMs, this.start);
    } else if (c.record.hostConfig.AutoRemove && !this.ctx.shuttingDown && !options.restoring && !this.ctx.manualRestarts.has(c.id)) {
      await this.remove(c).catch((err: unknown) => this.ctx.config.log(`auto-remove ${c.id}: ${String(err)}`));
    }
  }

  /** The task, the containerd container and the FIFOs go; then the participants' afterExit. */
  private async teardown(c: Container, spans: Spans): Promise<void> {
    await this.releaseRuntime(c);
    spans.mark('delete-task+container');
    this.ctx.config.trace?.(spans.toString());
    await this.ctx.hooks.afterExit(c);
  }

  private async releaseRuntime(c: Container): Promise<void> {
    const { runtime, store } = this.ctx;
    const taskGone = await runtime.deleteTask(c.id).then(() => true, (err: unknown) => {
      this.ctx.config.log(`delete task ${c.id}: ${String(err)}`);
      return false;
    });
    unmountShm(store.dir(c.id));
    const containerGone = await runtime.deleteContainer(c.id).then(() => true, (err: unknown) => {
      this.ctx.config.log(`delete containerd container ${c.id}: ${String(err)}`);
      return false;
    });
    removeInBackground(this.ctx.fifoDir(c.id), this.ctx.fifoTrash);
    c.runtimeClean = taskGone && containerGone;
  }

  /**
   * After a restore: tasks (and their shims) of containers recorded as not running, left when
   * berthd died between recording an exit and releasing the task, are released now.
   */
  async reapLeftovers(containers: Container[]): Promise<void> {
    const tasks = new Set((await this.ctx.runtime.listTasks().catch(() => [])).map((t) => t.containerId));
    await Promise.all(containers.map(async (c) => {
      if (c.running || c.removed || !tasks.has(c.id)) return;
      await c.exclusive(() => this.releaseRuntime(c));
      this.ctx.config.log(`released the leftover task of ${c.id}`);
    }));
  }
}
