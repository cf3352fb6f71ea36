// Routes: /_ping, /version, /info.
import type { RequestContext } from '../../server/context.js';
import type { Route, Router } from '../../server/route.js';
import type { SystemBackend } from './backend.js';
import { shapeInfo, shapeVersion } from './shape.js';

export class SystemRouter implements Router {
  constructor(private readonly backend: SystemBackend) {}

  routes(): Route[] {
    return [
      { method: 'GET', path: '/_ping', handler: (ctx) => this.ping(ctx, true) },
      { method: 'HEAD', path: '/_ping', handler: (ctx) => this.ping(ctx, false) },
      { method: 'GET', path: '/version', handler: (ctx) => this.getVersion(ctx) },
      { method: 'GET', path: '/info', handler: (ctx) => this.getInfo(ctx) },
    ];
  }

  private ping(ctx: RequestContext, withBody: boolean): void {
    const res = ctx.res;
    const headers = {
      ...ctx.baseHeaders,
      'Builder-Version': '1',
      'Cache-Control': 'no-cache, no-store, must-revalidate',
      Pragma: 'no-cache',
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': withBody ? '2' : '0',
    };
    if (!res) {
      ctx.send(200, 'OK');
      return;
    }
    res.writeHead(200, headers);
    res.end(withBody ? 'OK' : undefined);
  }

  private async getVersion(ctx: RequestContext): Promise<void> {
    ctx.json200(shapeVersion(await this.backend.systemVersion(), ctx.version));
  }

  private async getInfo(ctx: RequestContext): Promise<void> {
    ctx.json200(shapeInfo(await this.backend.systemInfo(), ctx.version));
  }
}
