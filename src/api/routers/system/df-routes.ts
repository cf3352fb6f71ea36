// GET /system/df (docker system df).
import { versionLt } from '../../../internal/version.js';
import type { RequestContext } from '../../server/context.js';
import type { Route, Router } from '../../server/route.js';
import type { DiskUsageBackend } from './df-backend.js';

export class DiskUsageRouter implements Router {
  constructor(private readonly backend: DiskUsageBackend) {}

  routes(): Route[] {
    return [{ method: 'GET', path: '/system/df', handler: (c) => this.getSystemDf(c), minVersion: '1.25' }];
  }

  private async getSystemDf(ctx: RequestContext): Promise<void> {
    const du: Record<string, unknown> = { ...(await this.backend.systemDiskUsage(ctx.signal)) };
    if (versionLt(ctx.version, '1.31')) delete du.BuildCache; // added in 1.31
    ctx.json200(du);
  }
}
