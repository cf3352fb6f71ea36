// Routes under /images (the local store; pull/push/build come with their own issues).
import { NotFoundError, NotImplementedError } from '../../../errdefs/index.js';
import type { RequestContext } from '../../server/context.js';
import type { Route, Router } from '../../server/route.js';
import { parseFilters } from '../containers/filters.js';
import type { ImageBackend } from './backend.js';
import { shapeImageInspect, shapeImageSummary } from './shape.js';

export class ImagesRouter implements Router {
  constructor(private readonly backend: ImageBackend) {}

  routes(): Route[] {
    return [
      { method: 'GET', path: '/images/json', handler: (c) => this.getImagesJson(c) },
      { method: 'POST', path: '/images/load', handler: (c) => this.postImagesLoad(c) },
      { method: 'POST', path: '/images/create', handler: (c) => this.postImagesCreate(c) },
      { method: 'GET', path: '/images/*', handler: (c) => this.getImagesByName(c) },
    ];
  }

  private async getImagesJson(ctx: RequestContext): Promise<void> {
    const filters = parseFilters(ctx.string('filters'));
    const legacy = ctx.string('filter');
    if (legacy) filters.reference = [legacy];
    const list = await this.backend.imageList({ all: ctx.bool('all'), digests: ctx.bool('digests'), filters });
    ctx.json200(list.map((s) => shapeImageSummary(s, ctx.version)));
  }

  private async postImagesLoad(ctx: RequestContext): Promise<void> {
    const quiet = ctx.bool('quiet');
    // Progress goes out as a JSON stream; errors after the first byte go inside it.
    let res: ReturnType<RequestContext['stream']> | undefined;
    const out = (obj: object): void => {
      res ??= ctx.stream('application/json');
      res.write(JSON.stringify(obj) + '\n');
    };
    try {
      await this.backend.imageLoad(ctx.req, { quiet, signal: ctx.signal, onProgress: (p) => out(p) });
    } catch (err) {
      if (!res) throw err;
      const message = (err as Error).message;
      out({ errorDetail: { message }, error: message });
    }
    if (!res) res = ctx.stream('application/json');
    res.end();
  }

  private async postImagesCreate(ctx: RequestContext): Promise<void> {
    const image = ctx.string('fromImage') ?? ctx.string('fromSrc') ?? '';
    throw new NotImplementedError(`pulling and importing images is not supported by berthd yet (requested ${image}); use docker load`);
  }

  /** GET /images/{name}/json; names may contain slashes (registry/repo:tag). */
  private async getImagesByName(ctx: RequestContext): Promise<void> {
    const rest = ctx.params['*'] ?? '';
    if (!rest.endsWith('/json')) throw new NotFoundError('page not found');
    const name = decodeURIComponent(rest.slice(0, -'/json'.length));
    ctx.json200(shapeImageInspect(await this.backend.imageInspect(name), ctx.version));
  }
}
