// Routes on a container's filesystem: GET /containers/{id}/changes (docker diff),
// GET /containers/{id}/export and POST /commit.
import { InvalidParameterError } from '../../../errdefs/index.js';
import { versionGte } from '../../../internal/version.js';
import type { RequestContext } from '../../server/context.js';
import type { Route, Router } from '../../server/route.js';
import type { ContainerConfig } from '../../types/container.js';
import { writeTar } from './archive-routes.js';
import type { ContainerFsBackend } from './fs-backend.js';

export class ContainerFsRouter implements Router {
  constructor(private readonly backend: ContainerFsBackend) {}

  routes(): Route[] {
    return [
      { method: 'GET', path: '/containers/:id/changes', handler: (c) => this.getContainersChanges(c) },
      { method: 'GET', path: '/containers/:id/export', handler: (c) => this.getContainersExport(c) },
      { method: 'POST', path: '/commit', handler: (c) => this.postCommit(c) },
    ];
  }

  private async getContainersChanges(ctx: RequestContext): Promise<void> {
    const changes = await this.backend.containerChanges(ctx.params.id!);
    // dockerd encodes "no changes" as its nil slice: null
    ctx.json200(changes.length > 0 ? changes : null);
  }

  private async getContainersExport(ctx: RequestContext): Promise<void> {
    const tar = await this.backend.containerExport(ctx.params.id!, ctx.signal);
    // dockerd sets no Content-Type here; Go's server sniffs the first bytes of the tar (NUL padding
    // in its header) as binary data.
    await writeTar(ctx, tar, 'application/octet-stream');
  }

  private async postCommit(ctx: RequestContext): Promise<void> {
    const body = await ctx.json<ContainerConfig | null>();
    if (body !== undefined && body !== null && (typeof body !== 'object' || Array.isArray(body))) {
      throw new InvalidParameterError('invalid JSON: Config must be an object');
    }
    const container = ctx.string('container') ?? '';
    // dockerd pauses by default from API 1.13 on when `pause` is not given
    const pauseRaw = ctx.string('pause');
    const pause = pauseRaw === undefined || pauseRaw === '' ? versionGte(ctx.version, '1.13') : ctx.bool('pause');
    const repo = ctx.string('repo');
    const tag = ctx.string('tag');
    const result = await this.backend.containerCommit(container, {
      ...(repo ? { repo } : {}),
      ...(tag ? { tag } : {}),
      comment: ctx.string('comment') ?? '',
      author: ctx.string('author') ?? '',
      pause,
      changes: ctx.query.getAll('changes'),
      ...(body ? { config: body } : {}),
    });
    ctx.send(201, result);
  }
}
