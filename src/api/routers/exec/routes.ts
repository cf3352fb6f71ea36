// Routes: POST /containers/{id}/exec, POST /exec/{id}/start, POST /exec/{id}/resize, GET /exec/{id}/json.
import { InvalidParameterError } from '../../../errdefs/index.js';
import type { RequestContext } from '../../server/context.js';
import type { Route, Router } from '../../server/route.js';
import { serveHijacked } from '../hijacked-stream.js';
import type { ExecBackend, ExecConfig } from './backend.js';

export class ExecRouter implements Router {
  constructor(private readonly backend: ExecBackend) {}

  routes(): Route[] {
    return [
      { method: 'POST', path: '/containers/:id/exec', handler: (c) => this.postContainerExecCreate(c) },
      { method: 'POST', path: '/exec/:id/start', handler: (c) => this.postExecStart(c) },
      { method: 'POST', path: '/exec/:id/resize', handler: (c) => this.postExecResize(c) },
      { method: 'GET', path: '/exec/:id/json', handler: (c) => this.getExecJson(c) },
    ];
  }

  private async postContainerExecCreate(ctx: RequestContext): Promise<void> {
    const body = await ctx.json<ExecConfig>();
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new InvalidParameterError('No exec command specified');
    ctx.send(201, await this.backend.execCreate(ctx.params.id!, body));
  }

  private async postExecStart(ctx: RequestContext): Promise<void> {
    const body = (await ctx.json<{ Detach?: boolean; Tty?: boolean }>()) ?? {};
    const detach = Boolean(body.Detach);
    const prepared = await this.backend.execStart(ctx.params.id!, { detach });
    if (detach) {
      await prepared.run({ output: () => true, drained: async () => undefined, signal: ctx.signal });
      ctx.send(200, undefined);
      return;
    }
    // As dockerd: the start request's Tty alone decides the framing. An exec created with a TTY
    // but started without one gets its (single) output stream multiplexed, which is what clients
    // that then demultiplex expect (docker-py's exec_start defaults to tty=False).
    await serveHijacked(ctx, { tty: Boolean(body.Tty), run: prepared.run }, prepared.openStdin, true);
  }

  private async postExecResize(ctx: RequestContext): Promise<void> {
    const h = ctx.atoi('h');
    const w = ctx.atoi('w');
    await this.backend.execResize(ctx.params.id!, h, w);
    ctx.send(200, undefined);
  }

  private async getExecJson(ctx: RequestContext): Promise<void> {
    ctx.json200(await this.backend.execInspect(ctx.params.id!));
  }
}
