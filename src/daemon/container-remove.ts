// Removing containers: `docker rm` (dockerd's 409s, -f kills first), AutoRemove, and prune. The
// containerd task, snapshot and container go, then the record; participants release what they hold.
import { removeInBackground } from '../internal/background-remove.js';
import type { ContainerRemoveBackend } from '../api/routers/containers/backend.js';
import type { ContainerPruneBackend, ContainerPruneResult } from '../api/routers/containers/lifecycle-backend.js';
import { ConflictError, NotFoundError } from '../errdefs/index.js';
import { Spans } from '../internal/spans.js';
import type { Container } from './container.js';
import { prunePredicate } from './container-prune.js';
import { removeLink } from './link-remove.js';
import { sleep, type DaemonContext } from './context.js';
import type { ContainerSizePort } from './ports.js';
import type { Restarts } from './restarts.js';
import { unmountShm } from './shm-mount.js';
import { signalTask } from './task-signal.js';

export class ContainerRemover implements ContainerRemoveBackend, ContainerPruneBackend {
  constructor(
    private readonly ctx: DaemonContext,
    private readonly restarts: Restarts,
    /** prune's SpaceReclaimed: each removed container's writable layer */
    private readonly sizeOf: () => ContainerSizePort | undefined,
  ) {}

  async containerRemove(ref: string, options: { force: boolean; removeVolumes: boolean; link: boolean }): Promise<void> {
    if (options.link) return removeLink(this.ctx.store, ref);
    const c = this.ctx.store.get(ref);
    if (c.record.state.status === 'removing') throw new ConflictError(`removal of container ${ref} is already in progress`);
    if (c.runningOrRestarting) {
      const state = c.record.state.status;
      if (!options.force) {
        const procedure = 'Stop the container before attempting removal or force remove';
        throw new ConflictError(`You cannot remove a ${state} container ${c.id}. ${state === 'paused' ? `Unpause and then ${procedure.toLowerCase()}` : procedure}`);
      }
      c.record.hasBeenManuallyStopped = true;
      this.restarts.cancel(c);
      await this.ctx.starting.get(c.id);
      if (c.running) {
        const exited = c.wait('next-exit');
        await signalTask(this.ctx, c, 9).catch(() => undefined);
        await Promise.race([exited, sleep(30_000)]);
      }
    }
    c.record.hasBeenManuallyStopped = true;
    c.removeVolumes = options.removeVolumes;
    await this.removeStopped(c, options.force);
  }

  /**
   * Removes a container that has no task running (rm, AutoRemove, prune, restore). `force` (rm -f):
   * a task that runs all the same — its start went through while containerd was being restarted,
   * berthd saw the start fail — is killed and then deleted.
   */
  async removeStopped(c: Container, force = false): Promise<void> {
    const { runtime, store } = this.ctx;
    let removedNow = false;
    await c.exclusive(async () => {
      if (c.removed) return;
      const previous = c.record.state.status;
      c.record.state.status = 'removing';
      const spans = new Spans(`remove ${c.id.slice(0, 12)}`);
      try {
        // after an exit's teardown (or since create) there is no task or containerd container to delete
        if (!c.runtimeClean) {
          await runtime.deleteTask(c.id).catch(async (err: unknown) => {
            if (!force || !/running process/.test((err as Error).message)) throw err;
            const exited = runtime.waitTask(c.id).catch(() => undefined);
            await runtime.killTask(c.id, 9, { all: true });
            await Promise.race([exited, sleep(30_000)]);
            await runtime.deleteTask(c.id);
          });
          spans.mark('delete-task');
        }
        await Promise.all([
          runtime.snapshots.remove(c.record.snapshotKey).catch((err: unknown) => {
            if (!(err instanceof NotFoundError)) throw err;
          }),
          c.runtimeClean ? undefined : runtime.deleteContainer(c.id),
        ]);
        spans.mark('snapshot-remove');
      } catch (err) {
        c.record.state.status = previous;
        throw err;
      }
      removeInBackground(this.ctx.fifoDir(c.id), this.ctx.fifoTrash);
      unmountShm(store.dir(c.id));
      spans.mark('runtime-files');
      store.delete(c);
      spans.mark('files');
      this.ctx.config.trace?.(spans.toString());
      c.streams.endAll();
      c.notifyRemoved();
      removedNow = true;
      this.ctx.emit(c, 'destroy');
    });
    // once per container: a second rm that found it gone releases nothing
    if (removedNow) await this.ctx.hooks.release(c);
  }

  async containersPrune(filters: Record<string, string[]>, signal: AbortSignal): Promise<ContainerPruneResult> {
    const wanted = prunePredicate(filters);
    const deleted: string[] = [];
    let reclaimed = 0;
    const sizeOf = this.sizeOf();
    for (const c of this.ctx.store.list()) {
      if (signal.aborted) break;
      if (c.runningOrRestarting || c.removed || !wanted(c.record)) continue;
      try {
        // Like dockerd: the space reclaimed is each removed container's writable layer (SizeRw).
        const size = sizeOf ? (await sizeOf(c).catch(() => undefined))?.SizeRw ?? 0 : 0;
        await this.containerRemove(c.id, { force: false, removeVolumes: false, link: false });
        deleted.push(c.id);
        reclaimed += size;
      } catch (err) {
        this.ctx.config.log(`prune ${c.id}: ${(err as Error).message}`);
      }
    }
    this.ctx.events.publish('container', 'prune', '', { reclaimed: String(reclaimed) });
    return { ContainersDeleted: deleted.length > 0 ? deleted : null, SpaceReclaimed: reclaimed };
  }
}
