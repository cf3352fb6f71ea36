// GET /system/df (docker system df).
import type { RequestContext } from '../../server/context.js';
import type { Route, Router } from '../../server/route.js';
import type { DiskUsageBackend } from './df-backend.js';
import { diskUsageTypes, shapeDiskUsage } from './df-shape.js';

export class DiskUsageRouter implements Router {
  constructor(private readonly backend: DiskUsageBackend) {}

  routes(): Route[] {
    return [{ method: 'GET', path: '/system/df', handler: (c) => this.getSystemDf(c), minVersion: '1.25' }];
  }

  private async getSystemDf(ctx: RequestContext): Promise<void> {
    const types = diskUsageTypes(ctx.query.getAll('type'), ctx.version);
    const du = await this.backend.systemDiskUsage(types, ctx.signal);
    ctx.json200(shapeDiskUsage(du, ctx.version, ctx.bool('verbose')));
  }
}
