// Routes for pause/unpause, rename, top and prune under /containers.
import type { RequestContext } from '../../server/context.js';
import type { Route, Router } from '../../server/route.js';
import { parseFilters } from './filters.js';
import type { ContainerLifecycleBackend } from './lifecycle-backend.js';

export class ContainerLifecycleRouter implements Router {
  constructor(private readonly backend: ContainerLifecycleBackend) {}

  routes(): Route[] {
    return [
      { method: 'POST', path: '/containers/:id/pause', handler: (c) => this.postContainersPause(c) },
      { method: 'POST', path: '/containers/:id/unpause', handler: (c) => this.postContainersUnpause(c) },
      { method: 'POST', path: '/containers/:id/rename', handler: (c) => this.postContainersRename(c) },
      { method: 'GET', path: '/containers/:id/top', handler: (c) => this.getContainersTop(c) },
      { method: 'POST', path: '/containers/prune', handler: (c) => this.postContainersPrune(c), minVersion: '1.25' },
    ];
  }

  private async postContainersPause(ctx: RequestContext): Promise<void> {
    await this.backend.containerPause(ctx.params.id!);
    ctx.noContent();
  }

  private async postContainersUnpause(ctx: RequestContext): Promise<void> {
    await this.backend.containerUnpause(ctx.params.id!);
    ctx.noContent();
  }

  private async postContainersRename(ctx: RequestContext): Promise<void> {
    await this.backend.containerRename(ctx.params.id!, ctx.string('name') ?? '');
    ctx.noContent();
  }

  private async getContainersTop(ctx: RequestContext): Promise<void> {
    ctx.json200(await this.backend.containerTop(ctx.params.id!, ctx.string('ps_args') ?? ''));
  }

  private async postContainersPrune(ctx: RequestContext): Promise<void> {
    ctx.json200(await this.backend.containersPrune(parseFilters(ctx.string('filters')), ctx.signal));
  }
}
