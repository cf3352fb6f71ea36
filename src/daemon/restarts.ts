// Restart-policy glue between a container and its RestartManager: who decides after an exit, what a
// manual start resets, what a stop or kill cancels, and the delayed restart itself.
import type { Container } from './container.js';
import type { DaemonContext } from './context.js';
import { RestartManager } from './restart-manager.js';

export class Restarts {
  constructor(private readonly ctx: DaemonContext) {}

  managerOf(c: Container): RestartManager {
    c.restartManager ??= new RestartManager(c.record.hostConfig.RestartPolicy, c.record.restartCount);
    return c.restartManager;
  }

  /** A manual start begins a new run sequence: pending restarts end and RestartCount is 0 again. */
  reset(c: Container): void {
    c.restartManager?.cancel();
    c.restartManager = undefined;
    c.record.restartCount = 0;
    c.record.hasBeenManuallyStopped = false;
  }

  /** Ends a pending restart (manual stop, kill, removal): the container is stopped for good. */
  cancel(c: Container): void {
    this.managerOf(c).cancel();
    if (c.record.state.status !== 'restarting') return;
    c.record.state.status = 'exited';
    this.ctx.store.save(c);
    c.notifyExit();
  }

  /** Starts `c` again after the policy's delay, unless something ended the restart meanwhile. */
  async restartAfter(c: Container, delayMs: number, start: (c: Container) => Promise<void>): Promise<void> {
    const manager = this.managerOf(c);
    const go = await manager.wait(delayMs);
    if (!go || c.removed || this.ctx.shuttingDown || c.record.state.status !== 'restarting') return;
    await c.exclusive(async () => {
      if (c.record.state.status !== 'restarting' || manager.isCanceled) return;
      await start(c);
    }).catch((err: unknown) => {
      this.ctx.config.log(`restart of ${c.id} failed: ${(err as Error).message}`);
    });
  }
}
