// Reading containers: `docker ps` (filters, size), inspect, wait conditions and `docker top`.
import type { ContainerInspect, ContainerListOptions, ContainerQueryBackend, ContainerSummary, WaitResponse } from '../api/routers/containers/backend.js';
import type { ContainerTopBackend } from '../api/routers/containers/lifecycle-backend.js';
import { ConflictError, NotFoundError } from '../errdefs/index.js';
import type { WaitCondition } from './container.js';
import { selectContainers } from './container-list.js';
import { containerTop, type TopResult } from './container-top.js';
import type { DaemonContext } from './context.js';
import type { ContainerSizePort } from './ports.js';
import { containerInspect, containerSummary } from './views.js';

export class ContainerQueries implements ContainerQueryBackend, ContainerTopBackend {
  constructor(
    private readonly ctx: DaemonContext,
    /** how `size=1` measures a container (wired after construction) */
    private readonly sizeOf: () => ContainerSizePort | undefined,
  ) {}

  async containerList(options: ContainerListOptions): Promise<ContainerSummary[]> {
    const entries = this.ctx.store.list()
      .sort((a, b) => b.record.created.localeCompare(a.record.created))
      .map((c) => {
        // Built only for the containers a filter looks into or the list returns.
        let summary: ContainerSummary | undefined;
        return { container: c, record: c.record, get summary(): ContainerSummary { return (summary ??= containerSummary(c.record)); } };
      });
    const selected = selectContainers(entries, options, {
      container: (ref) => {
        try { return this.ctx.store.get(ref).record; } catch { throw new NotFoundError(`no such container ${ref}`); }
      },
      imageId: (ref) => { try { return this.ctx.images.resolveForContainer(ref).id; } catch { return undefined; } },
    });
    const sizeOf = options.size ? this.sizeOf() : undefined;
    if (!sizeOf) return selected.map((e) => e.summary);
    // dockerd's list (types.Container) has `SizeRw`/`SizeRootFs int64 ,omitempty`: a zero is left out
    return Promise.all(selected.map(async (e) => {
      const { SizeRw, SizeRootFs } = await sizeOf(e.container);
      return { ...e.summary, ...(SizeRw ? { SizeRw } : {}), ...(SizeRootFs ? { SizeRootFs } : {}) };
    }));
  }

  async containerInspect(ref: string, options: { size: boolean }): Promise<ContainerInspect> {
    const c = this.ctx.store.get(ref);
    const sizeOf = options.size ? this.sizeOf() : undefined;
    return { ...containerInspect(c.record, c.liveExecIds()), ...(sizeOf ? await sizeOf(c) : {}) };
  }

  async containerWait(ref: string, condition: WaitCondition, signal: AbortSignal): Promise<{ result: Promise<WaitResponse> }> {
    const c = this.ctx.store.get(ref);
    return { result: c.wait(condition, signal) };
  }

  async containerTop(ref: string, psArgs: string): Promise<TopResult> {
    const c = this.ctx.store.get(ref);
    if (!c.runningOrRestarting) throw new ConflictError(`Container ${c.id} is not running`);
    if (c.record.state.status === 'restarting') throw new ConflictError(`Container ${c.id} is restarting, wait until the container is running`);
    const pids = await this.ctx.runtime.listPids(c.id);
    const top = containerTop(psArgs, pids);
    this.ctx.emit(c, 'top');
    return top;
  }
}
