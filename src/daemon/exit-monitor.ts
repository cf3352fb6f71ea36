// Exits: containerd's exit and OOM events (and what a containerd restart made us miss) turned into
// the container's exit — output drained, task released, state recorded — then the restart policy
// or AutoRemove, and the participants' afterExit.
import fs from 'node:fs';
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
    const p = this.finishExit(c, exitStatus, exitedAt).finally(() => this.inProgress.delete(id));
    this.inProgress.set(id, p);
    return p;
  }

  /**
   * Drains output, releases the task, records the exit and applies the restart policy or AutoRemove
   * (not while restoring: the Daemon does that once every container is known).
   */
  async finishExit(c: Container, exitStatus: number, exitedAt: Date, options: { restoring?: boolean } = {}): Promise<void> {
    const { runtime, store } = this.ctx;
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
    const deleted = await runtime.deleteTask(c.id).catch(() => undefined);
    unmountShm(store.dir(c.id));
    spans.mark('delete-task');
    await runtime.deleteContainer(c.id).catch((err: unknown) => this.ctx.config.log(`delete containerd container ${c.id}: ${String(err)}`));
    spans.mark('delete-container');
    fs.rmSync(this.ctx.fifoDir(c.id), { recursive: true, force: true });
    c.streams.setStdin(undefined);
    const exitCode = deleted?.exitStatus ?? exitStatus;
    const finished = deleted?.exitedAt && deleted.exitedAt.getTime() > 0 ? deleted.exitedAt : exitedAt;
    const decision = this.ctx.shuttingDown || options.restoring
      ? { restart: false as const }
      : this.restarts.managerOf(c).shouldRestart(exitCode, c.record.hasBeenManuallyStopped, finished.getTime() - Date.parse(c.record.state.startedAt));
    if (decision.restart) c.record.restartCount++;
    c.record.state = {
      ...c.record.state,
      status: decision.restart ? 'restarting' : 'exited',
      pid: 0,
      exitCode,
      finishedAt: finished.toISOString(),
    };
    store.save(c);
    const ran = Math.max(0, finished.getTime() - Date.parse(c.record.state.startedAt));
    this.ctx.emit(c, 'die', { exitCode: String(exitCode), execDuration: String(Math.floor(ran / 1000)) });
    spans.mark('save');
    this.ctx.config.trace?.(spans.toString());
    c.streams.endAll();
    c.notifyExit();
    c.stopping = false;
    await this.ctx.hooks.afterExit(c);
    if (decision.restart) {
      void this.restarts.restartAfter(c, decision.delayMs, this.start);
    } else if (c.record.hostConfig.AutoRemove && !this.ctx.shuttingDown && !options.restoring && !this.ctx.manualRestarts.has(c.id)) {
      await this.remove(c).catch((err: unknown) => this.ctx.config.log(`auto-remove ${c.id}: ${String(err)}`));
    }
  }
}
