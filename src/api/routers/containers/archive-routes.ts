// docker cp's routes: HEAD/GET/PUT /containers/{id}/archive (from API 1.20) and the old POST
// /containers/{id}/copy, which dockerd answers before 1.24 only (a bare 404 from 1.24).
import { InvalidParameterError } from '../../../errdefs/index.js';
import { versionLt } from '../../../internal/version.js';
import { waitForDrain } from '../../../internal/stream-pumps.js';
import type { RequestContext } from '../../server/context.js';
import type { Route, Router } from '../../server/route.js';
import type { ContainerArchiveBackend, PathStat } from './archive-backend.js';

/** dockerd's badParameterError text (sic: no space before "cannot"). */
function requiredPath(ctx: RequestContext): string {
  const p = ctx.string('path') ?? '';
  if (p === '') throw new InvalidParameterError('bad parameter: pathcannot be empty');
  return p;
}

/** The stat header: base64 of the JSON dockerd marshals from its PathStat. */
function statHeader(stat: PathStat): Record<string, string> {
  return { 'X-Docker-Container-Path-Stat': Buffer.from(JSON.stringify(stat)).toString('base64') };
}

export class ContainerArchiveRouter implements Router {
  constructor(private readonly backend: ContainerArchiveBackend) {}

  routes(): Route[] {
    return [
      { method: 'HEAD', path: '/containers/:id/archive', handler: (c) => this.headContainersArchive(c), minVersion: '1.20' },
      { method: 'GET', path: '/containers/:id/archive', handler: (c) => this.getContainersArchive(c), minVersion: '1.20' },
      { method: 'PUT', path: '/containers/:id/archive', handler: (c) => this.putContainersArchive(c), minVersion: '1.20' },
      { method: 'POST', path: '/containers/:id/copy', handler: (c) => this.postContainersCopy(c), maxVersion: '1.23', handlesLaterVersions: true },
    ];
  }

  private async headContainersArchive(ctx: RequestContext): Promise<void> {
    const stat = await this.backend.containerStatPath(ctx.params.id!, requiredPath(ctx));
    ctx.send(200, undefined, statHeader(stat));
  }

  private async getContainersArchive(ctx: RequestContext): Promise<void> {
    const { stat, tar } = await this.backend.containerArchivePath(ctx.params.id!, requiredPath(ctx), ctx.signal);
    ctx.res?.setHeader('X-Docker-Container-Path-Stat', statHeader(stat)['X-Docker-Container-Path-Stat']!);
    await writeTar(ctx, tar);
  }

  private async putContainersArchive(ctx: RequestContext): Promise<void> {
    const p = requiredPath(ctx);
    await this.backend.containerExtractToDir(ctx.params.id!, p, ctx.req, {
      noOverwriteDirNonDir: ctx.bool('noOverwriteDirNonDir'),
      copyUIDGID: ctx.bool('copyUIDGID'),
    });
    ctx.send(200, undefined);
  }

  /** Gone from 1.24: dockerd still routes it and answers a bare 404 (no body, no Content-Type). */
  private async postContainersCopy(ctx: RequestContext): Promise<void> {
    if (!versionLt(ctx.version, '1.24')) { ctx.send(404, undefined); return; }
    const body = await ctx.json<{ Resource?: unknown } | null>();
    const resource = body && typeof body === 'object' && typeof body.Resource === 'string' ? body.Resource : '';
    if (resource === '') throw new InvalidParameterError('Path cannot be empty');
    const tar = await this.backend.containerCopy(ctx.params.id!, resource, ctx.signal);
    await writeTar(ctx, tar);
  }
}

/** Streams a tar; errors after the headers cut the stream, so the client sees a truncated archive. */
export async function writeTar(ctx: RequestContext, tar: AsyncIterable<Buffer>, contentType = 'application/x-tar'): Promise<void> {
  const res = ctx.stream(contentType);
  try {
    for await (const chunk of tar) {
      if (res.destroyed) break;
      if (!res.write(chunk)) await waitForDrain(res);
    }
    res.end();
  } catch (err) {
    res.destroy(err as Error);
  }
}
