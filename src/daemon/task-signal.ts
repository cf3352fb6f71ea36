// Signalling a container's task, shared by stop, kill and forced removal.
import { NotFoundError } from '../errdefs/index.js';
import type { Container } from './container.js';
import type { DaemonContext } from './context.js';

/** Signals the init process (all processes for SIGKILL); a paused container is resumed after, as dockerd 20.10 does. */
export async function signalTask(ctx: DaemonContext, c: Container, sig: number): Promise<void> {
  ctx.emit(c, 'kill', { signal: String(sig) });
  await ctx.runtime.killTask(c.id, sig, { all: sig === 9 }).catch((err: unknown) => { if (!(err instanceof NotFoundError)) throw err; });
  if (c.record.state.status === 'paused') await resumeContainer(ctx, c).catch(() => undefined);
}

export async function resumeContainer(ctx: DaemonContext, c: Container): Promise<void> {
  await ctx.runtime.resumeTask(c.id);
  if (c.record.state.status === 'paused') {
    c.record.state.status = 'running';
    ctx.store.save(c);
  }
}
