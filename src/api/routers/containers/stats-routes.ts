// GET /containers/{id}/stats: a JSON stream, one sample a second, or one answer with stream=false
// (`one-shot` from 1.41 answers at once). The container is looked up before the first byte.
import { InvalidParameterError } from '../../../errdefs/index.js';
import { versionLt } from '../../../internal/version.js';
import type { RequestContext } from '../../server/context.js';
import type { Route, Router } from '../../server/route.js';
import type { ContainerStatsBackend } from './stats-backend.js';
import { shapeStats } from './stats-shape.js';

export class ContainerStatsRouter implements Router {
  constructor(private readonly backend: ContainerStatsBackend) {}

  routes(): Route[] {
    return [{ method: 'GET', path: '/containers/:id/stats', handler: (c) => this.getContainersStats(c) }];
  }

  private async getContainersStats(ctx: RequestContext): Promise<void> {
    // `stream` is documented from 1.19; dockerd honours it at every version
    const stream = ctx.bool('stream', true);
    const oneShot = !versionLt(ctx.version, '1.41') && ctx.bool('one-shot');
    if (oneShot && stream) throw new InvalidParameterError('cannot have stream=true and one-shot=true');
    const samples = await this.backend.containerStats(ctx.params.id!, { stream, oneShot }, ctx.signal);
    if (!stream) {
      for await (const s of samples) { ctx.json200(shapeStats(s, ctx.version)); return; }
      return;
    }
    const res = ctx.stream('application/json');
    try {
      for await (const s of samples) {
        if (ctx.signal.aborted) break;
        res.write(JSON.stringify(shapeStats(s, ctx.version)) + '\n');
      }
    } finally {
      res.end();
    }
  }
}
