// Stopping and signalling containers: stop (signal, timeout, SIGKILL), restart, kill with dockerd
// 20.10's restart-policy rules, pause and unpause through the cgroup freezer.
import { waitFrozen } from '../runtime/selection/freezer-settle.js';
import type { ContainerStopBackend } from '../api/routers/containers/backend.js';
import type { ContainerPauseBackend } from '../api/routers/containers/lifecycle-backend.js';
import { ConflictError, NotFoundError, NotModifiedError, SystemError } from '../errdefs/index.js';
import { parseSignal } from '../internal/signals.js';
import type { Container } from './container.js';
import { sleep, type DaemonContext } from './context.js';
import type { Restarts } from './restarts.js';
import { resumeContainer, signalTask } from './task-signal.js';

export class ContainerStopper implements ContainerStopBackend, ContainerPauseBackend {
  constructor(
    private readonly ctx: DaemonContext,
    private readonly restarts: Restarts,
    private readonly start: (c: Container) => Promise<void>,
  ) {}

  async containerStop(ref: string, options: { timeout?: number; signal?: string }): Promise<void> {
    const c = this.ctx.store.get(ref);
    if (!c.runningOrRestarting) throw new NotModifiedError('container already stopped');
    c.record.hasBeenManuallyStopped = true;
    await this.stop(c, options.timeout, options.signal);
  }

  /** Stop signal, wait, then SIGKILL. A pending restart just ends; a paused container is thawed to die. */
  async stop(c: Container, timeout?: number, signal?: string): Promise<void> {
    this.restarts.cancel(c);
    // A restart already under way finishes first; then it is stopped like any running container.
    await this.ctx.starting.get(c.id);
    if (!c.running) return;
    const exited = c.wait('next-exit');
    c.stopping = true;
    const sig = parseSignal(signal ?? c.record.config.StopSignal ?? 'SIGTERM');
    const t = stopTimeout(c, timeout);
    await signalTask(this.ctx, c, sig);
    const inTime = t < 0 ? await exited.then(() => true) : await Promise.race([exited.then(() => true), sleep(t * 1000).then(() => false)]);
    if (!inTime) {
      await signalTask(this.ctx, c, 9);
      const killed = await Promise.race([exited.then(() => true), sleep(30_000).then(() => false)]);
      if (!killed) throw new SystemError(`container ${c.id} did not exit after SIGKILL`);
    }
    this.ctx.emit(c, 'stop');
  }

  async containerRestart(ref: string, options: { timeout?: number; signal?: string }): Promise<void> {
    const c = this.ctx.store.get(ref);
    // AutoRemove must not take the container away between the stop and the start.
    this.ctx.manualRestarts.add(c.id);
    try {
      if (c.runningOrRestarting) {
        c.record.hasBeenManuallyStopped = true;
        await this.stop(c, options.timeout, options.signal);
      }
      await c.exclusive(async () => {
        if (c.running) return;
        this.restarts.reset(c);
        await this.start(c);
        this.ctx.emit(c, 'restart');
      });
    } finally {
      this.ctx.manualRestarts.delete(c.id);
    }
  }

  async containerKill(ref: string, signal?: string): Promise<void> {
    const c = this.ctx.store.get(ref);
    const sig = parseSignal(signal ?? 'SIGKILL');
    if (!c.runningOrRestarting) throw new ConflictError(`Container ${c.id} is not running`);
    // dockerd 20.10: SIGKILL, the stop signal, or any signal when no StopSignal is set means the
    // container is meant to end: no restart, and it counts as stopped by the user.
    const stopSignal = c.record.config.StopSignal;
    const exitOnNext = sig === 9 || !stopSignal || parseSignal(stopSignal) === sig;
    if (exitOnNext) {
      c.record.hasBeenManuallyStopped = true;
      if (c.record.state.status === 'restarting') {
        this.restarts.cancel(c);
        return;
      }
      this.restarts.managerOf(c).cancel();
      this.ctx.store.save(c);
    } else if (c.record.state.status === 'restarting') {
      return;
    }
    const exited = sig === 9 ? c.wait('next-exit') : undefined;
    if (exitOnNext) await signalTask(this.ctx, c, sig);
    else {
      this.ctx.emit(c, 'kill', { signal: String(sig) });
      await this.ctx.runtime.killTask(c.id, sig).catch((err: unknown) => { if (!(err instanceof NotFoundError)) throw err; });
    }
    if (exited) await Promise.race([exited, sleep(30_000)]);
  }

  async containerPause(ref: string): Promise<void> {
    const c = this.ctx.store.get(ref);
    await c.exclusive(async () => {
      const status = c.record.state.status;
      if (status === 'restarting') throw new ConflictError(`Container ${c.id} is restarting, wait until the container is running`);
      if (status === 'paused') throw new ConflictError(`Container ${c.id} is already paused`);
      if (status !== 'running') throw new ConflictError(`Container ${c.id} is not running`);
      await this.ctx.runtime.pauseTask(c.id).catch((err: unknown) => {
        throw new SystemError(`Cannot pause container ${c.id}: ${(err as Error).message}`, { cause: err });
      });
      await waitFrozen(c.record.state.pid); // crun returns while the v1 freezer is still FREEZING
      c.record.state.status = 'paused';
      this.ctx.store.save(c);
      this.ctx.emit(c, 'pause');
    });
  }

  async containerUnpause(ref: string): Promise<void> {
    const c = this.ctx.store.get(ref);
    await c.exclusive(async () => {
      // A plain error (500) in dockerd, to this day (moby daemon/unpause.go), unlike pause's 409.
      if (c.record.state.status !== 'paused') throw new SystemError(`Container ${c.id} is not paused`);
      await resumeContainer(this.ctx, c).catch((err: unknown) => {
        throw new SystemError(`Cannot unpause container ${c.id}: ${(err as Error).message}`, { cause: err });
      });
      this.ctx.emit(c, 'unpause');
    });
  }
}

function stopTimeout(c: Container, timeout?: number): number {
  if (timeout !== undefined) return timeout;
  return typeof c.record.config.StopTimeout === 'number' ? c.record.config.StopTimeout : 10;
}
