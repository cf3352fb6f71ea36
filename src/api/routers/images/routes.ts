// Routes under /images (the local store; pull/push/build come with their own issues).
import { InvalidParameterError, NotFoundError, NotImplementedError } from '../../../errdefs/index.js';
import type { RequestContext } from '../../server/context.js';
import type { Route, Router } from '../../server/route.js';
import { parseFilters } from '../containers/filters.js';
import type { ImageBackend } from './backend.js';
import { shapeImageInspect, shapeImageSummary } from './shape.js';

/** "{name}/{action}" of a wildcard path (decoded by the router); names may contain slashes (registry/repo:tag). */
function splitNameAction(rest: string, actions: readonly string[]): { name: string; action: string } | undefined {
  for (const action of actions) {
    if (rest.endsWith(`/${action}`)) return { name: rest.slice(0, -action.length - 1), action };
  }
  return undefined;
}

export class ImagesRouter implements Router {
  constructor(private readonly backend: ImageBackend) {}

  routes(): Route[] {
    return [
      { method: 'GET', path: '/images/json', handler: (c) => this.getImagesJson(c) },
      { method: 'POST', path: '/images/load', handler: (c) => this.postImagesLoad(c) },
      { method: 'POST', path: '/images/create', handler: (c) => this.postImagesCreate(c) },
      { method: 'GET', path: '/images/get', handler: (c) => this.getImagesGet(c) },
      { method: 'POST', path: '/images/prune', handler: (c) => this.postImagesPrune(c), minVersion: '1.25' },
      { method: 'GET', path: '/images/*', handler: (c) => this.getImagesByName(c) },
      { method: 'POST', path: '/images/*', handler: (c) => this.postImagesByName(c) },
      { method: 'DELETE', path: '/images/*', handler: (c) => this.deleteImages(c) },
    ];
  }

  private async getImagesJson(ctx: RequestContext): Promise<void> {
    const filters = parseFilters(ctx.string('filters'));
    const legacy = ctx.string('filter');
    if (legacy) filters.reference = [legacy];
    const list = await this.backend.imageList({
      all: ctx.bool('all'), digests: ctx.bool('digests'), sharedSize: ctx.bool('shared-size'), filters,
    });
    ctx.json200(list.map((s) => shapeImageSummary(s, ctx.version)));
  }

  /**
   * A JSON progress stream: headers on the first message (at once with `eager`); errors after that
   * go inside the stream.
   */
  private async jsonStream(ctx: RequestContext, run: (out: (obj: object) => void) => Promise<void>, eager = false): Promise<void> {
    let res: ReturnType<RequestContext['stream']> | undefined = eager ? ctx.stream('application/json') : undefined;
    const out = (obj: object): void => {
      res ??= ctx.stream('application/json');
      res.write(JSON.stringify(obj) + '\r\n');
    };
    try {
      await run(out);
    } catch (err) {
      if (!res) throw err;
      const message = (err as Error).message;
      out({ errorDetail: { message }, error: message });
    }
    if (!res) res = ctx.stream('application/json');
    res.end();
  }

  /**
   * dockerd answers 200 before reading the archive, so every load error (not an archive, no
   * manifest, ...) is an `errorDetail` message in the stream. `quiet` defaults to true when absent.
   */
  private async postImagesLoad(ctx: RequestContext): Promise<void> {
    const quiet = ctx.bool('quiet', true);
    await this.jsonStream(ctx, (out) => this.backend.imageLoad(ctx.req, { quiet, signal: ctx.signal, onProgress: (p) => out(p) }), true);
  }

  private async postImagesCreate(ctx: RequestContext): Promise<void> {
    const fromSrc = ctx.string('fromSrc');
    if (fromSrc === undefined || ctx.string('fromImage')) {
      const image = ctx.string('fromImage') ?? '';
      throw new NotImplementedError(`pulling images is not supported by berthd yet (requested ${image}); use docker load`);
    }
    if (fromSrc !== '-') throw new NotImplementedError('importing from a URL is not supported by berthd yet; use fromSrc=- with the tar as body');
    const repo = ctx.string('repo') || undefined;
    const tag = ctx.string('tag') || undefined;
    this.backend.validateImportTarget(repo, tag);
    const message = ctx.string('message') || undefined;
    await this.jsonStream(ctx, async (out) => {
      const id = await this.backend.imageImport(ctx.req, {
        ...(repo ? { repo } : {}), ...(tag ? { tag } : {}), ...(message ? { message } : {}),
        changes: ctx.query.getAll('changes'), signal: ctx.signal,
      });
      out({ status: id });
    });
  }

  private async getImagesGet(ctx: RequestContext): Promise<void> {
    await this.save(ctx, ctx.query.getAll('names'));
  }

  private async save(ctx: RequestContext, names: string[]): Promise<void> {
    const write = await this.backend.imageSave(names);
    const res = ctx.stream('application/x-tar');
    try {
      await write(res, ctx.signal);
    } catch {
      res.destroy(); // the client sees a truncated archive; nothing else can be said now
    }
  }

  private async postImagesPrune(ctx: RequestContext): Promise<void> {
    ctx.json200(await this.backend.imagePrune(parseFilters(ctx.string('filters'))));
  }

  /** GET /images/{name}/json, /history, /get. */
  private async getImagesByName(ctx: RequestContext): Promise<void> {
    const target = splitNameAction(ctx.params['*'] ?? '', ['json', 'history', 'get']);
    if (!target) throw new NotFoundError('page not found');
    switch (target.action) {
      case 'json': return ctx.json200(shapeImageInspect(await this.backend.imageInspect(target.name), ctx.version));
      case 'history': return ctx.json200(await this.backend.imageHistory(target.name));
      default: return this.save(ctx, [target.name]);
    }
  }

  /** POST /images/{name}/tag. */
  private async postImagesByName(ctx: RequestContext): Promise<void> {
    const target = splitNameAction(ctx.params['*'] ?? '', ['tag']);
    if (!target) throw new NotFoundError('page not found');
    const repo = ctx.string('repo') ?? '';
    if (repo === '') throw new InvalidParameterError('repository name must have at least one component');
    await this.backend.imageTag(target.name, repo, ctx.string('tag') ?? '');
    ctx.noContent(201);
  }

  /** DELETE /images/{name}. */
  private async deleteImages(ctx: RequestContext): Promise<void> {
    const name = ctx.params['*'] ?? '';
    if (name === '') throw new NotFoundError('page not found');
    ctx.json200(await this.backend.imageRemove(name, { force: ctx.bool('force'), noprune: ctx.bool('noprune') }));
  }
}
