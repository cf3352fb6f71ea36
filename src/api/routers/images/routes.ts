// Routes under /images (the local store; pull/push/build come with their own issues).
import { InvalidParameterError, NotFoundError, NotImplementedError } from '../../../errdefs/index.js';
import type { RequestContext } from '../../server/context.js';
import type { Route, Router } from '../../server/route.js';
import { parseFilters } from '../containers/filters.js';
import type { ImageBackend, ImageInspect } from './backend.js';
import type { RegistryBackend } from '../distribution/backend.js';
import { header as registryAuthHeader } from '../distribution/routes.js';
import { versionGte, versionLt } from '../../../internal/version.js';
import { listSharedSize, platformParams, shapeImageInspect, shapeImageSummary, type OciPlatform } from './shape.js';

/** Actions under /images/{name}/ and the API version each appeared in (a wildcard route: gated here). */
const GET_ACTIONS: Readonly<Record<string, string>> = { json: '1.12', history: '1.12', get: '1.12', attestations: '1.55' };

/** dockerd's check of a single-platform image against requested platforms (daemon/images/image.go). */
function checkPlatform(name: string, image: ImageInspect, wanted: OciPlatform[] | undefined): void {
  if (!wanted || wanted.length === 0) return;
  const os = String(image.Os ?? ''), arch = String(image.Architecture ?? ''), variant = String(image.Variant ?? '');
  const ok = wanted.some((p) => (!p.os || p.os === os) && (!p.architecture || p.architecture === arch) && (!p.variant || p.variant === variant));
  if (ok) return;
  const text = (p: OciPlatform): string => [p.os, p.architecture, p.variant].filter(Boolean).join('/');
  throw new NotFoundError(`image with reference ${name} was found but does not match the specified platform: wanted ${wanted.map(text).join(', ')}, actual: ${text({ os, architecture: arch, variant })}`);
}

/** `platform` on get/load (1.48; several values from 1.52). */
function exportPlatforms(values: string[], version: string): OciPlatform[] | undefined {
  if (values.length > 1 && versionGte(version, '1.48') && versionLt(version, '1.52')) {
    throw new InvalidParameterError('multiple platform parameters are not supported in this API version; use API version 1.52 or later');
  }
  return platformParams(values, version, '1.48');
}

/** "{name}/{action}" of a wildcard path (decoded by the router); names may contain slashes (registry/repo:tag). */
function splitNameAction(rest: string, actions: readonly string[]): { name: string; action: string } | undefined {
  for (const action of actions) {
    if (rest.endsWith(`/${action}`)) return { name: rest.slice(0, -action.length - 1), action };
  }
  return undefined;
}

export class ImagesRouter implements Router {
  constructor(private readonly backend: ImageBackend, private readonly registry?: RegistryBackend) {}

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
      all: ctx.bool('all'), digests: ctx.bool('digests'), sharedSize: listSharedSize(ctx.bool('shared-size'), ctx.version), filters,
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
    // `platform` (1.48) selects from multi-platform archives; berthd loads single-platform images,
    // so the values are validated and the archive loaded as it is.
    exportPlatforms(ctx.query.getAll('platform'), ctx.version);
    const quiet = ctx.bool('quiet', true);
    await this.jsonStream(ctx, (out) => this.backend.imageLoad(ctx.req, { quiet, signal: ctx.signal, onProgress: (p) => out(p) }), true);
  }

  private async postImagesCreate(ctx: RequestContext): Promise<void> {
    const fromSrc = ctx.string('fromSrc');
    // dockerd: a fromImage pulls; anything else imports (with no fromSrc, from the empty URL)
    if (ctx.string('fromImage')) return this.pull(ctx);
    if ((fromSrc ?? '') !== '-') throw new NotImplementedError('importing from a URL is not supported by berthd yet; use fromSrc=- with the tar as body');
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

  /** A pull: parameters are checked before the first progress message opens the stream. */
  private async pull(ctx: RequestContext): Promise<void> {
    const fromImage = ctx.string('fromImage') ?? '';
    if (!this.registry) throw new NotImplementedError(`pulling images is not supported by berthd (requested ${fromImage})`);
    const registry = this.registry;
    // `platform` from 1.32; older clients' values are ignored as dockerd does
    const platform = versionGte(ctx.version, '1.32') ? ctx.string('platform') || undefined : undefined;
    const tag = ctx.string('tag') || undefined;
    const authHeader = registryAuthHeader(ctx);
    await this.jsonStream(ctx, (out) => registry.imagePull({
      fromImage, signal: ctx.signal, onProgress: out,
      ...(tag ? { tag } : {}), ...(platform ? { platform } : {}), ...(authHeader ? { authHeader } : {}),
    }));
  }

  private async getImagesGet(ctx: RequestContext): Promise<void> {
    await this.save(ctx, ctx.query.getAll('names'), exportPlatforms(ctx.query.getAll('platform'), ctx.version));
  }

  private async save(ctx: RequestContext, names: string[], platforms?: OciPlatform[]): Promise<void> {
    if (platforms?.length) for (const n of names) checkPlatform(n, await this.backend.imageInspect(n), platforms);
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
    const target = splitNameAction(ctx.params['*'] ?? '', Object.keys(GET_ACTIONS));
    if (!target || versionLt(ctx.version, GET_ACTIONS[target.action]!)) throw new NotFoundError('page not found');
    const platforms = (since: string): OciPlatform[] | undefined => platformParams(ctx.query.getAll('platform'), ctx.version, since);
    switch (target.action) {
      case 'json': {
        const wanted = platforms('1.49');
        if (wanted?.length && versionGte(ctx.version, '1.48') && ctx.bool('manifests')) {
          throw new InvalidParameterError('conflicting options: manifests and platform options cannot both be set');
        }
        const image = await this.backend.imageInspect(target.name);
        checkPlatform(target.name, image, wanted);
        return ctx.json200(shapeImageInspect(image, ctx.version));
      }
      case 'history': {
        const wanted = platforms('1.48');
        if (wanted?.length) checkPlatform(target.name, await this.backend.imageInspect(target.name), wanted);
        return ctx.json200(await this.backend.imageHistory(target.name));
      }
      case 'attestations': {
        // 1.55: in-toto statements attached to the image. berthd stores single-platform images
        // without attestation manifests, so an existing image has none.
        checkPlatform(target.name, await this.backend.imageInspect(target.name), platforms('1.55'));
        return ctx.json200([]);
      }
      default: return this.save(ctx, [target.name], exportPlatforms(ctx.query.getAll('platform'), ctx.version));
    }
  }

  /** POST /images/{name}/tag, /push. */
  private async postImagesByName(ctx: RequestContext): Promise<void> {
    const target = splitNameAction(ctx.params['*'] ?? '', ['tag', 'push']);
    if (!target) throw new NotFoundError('page not found');
    if (target.action === 'push') return this.push(ctx, target.name);
    const repo = ctx.string('repo') ?? '';
    // dockerd parses the empty repo as a normalized name ("docker.io/library/"): its parser's text.
    if (repo === '') throw new InvalidParameterError('invalid reference format');
    await this.backend.imageTag(target.name, repo, ctx.string('tag') ?? '');
    ctx.noContent(201);
  }

  private async push(ctx: RequestContext, name: string): Promise<void> {
    if (!this.registry) throw new NotImplementedError(`pushing images is not supported by berthd (requested ${name})`);
    const registry = this.registry;
    const tag = ctx.string('tag') || undefined;
    const authHeader = registryAuthHeader(ctx);
    if (!authHeader) await pushAuthFromBody(ctx);
    // `platform` (1.46) selects a platform's manifest; a berthd image has one, refused when it differs
    const platform = platformParams(ctx.query.getAll('platform').slice(0, 1), ctx.version, '1.46');
    if (platform?.length) {
      const ref = tag ? `${name}:${tag}` : name;
      checkPlatform(ref, await this.backend.imageInspect(ref), platform);
    }
    await this.jsonStream(ctx, (out) => registry.imagePush({
      name, signal: ctx.signal, onProgress: out, ...(tag ? { tag } : {}), ...(authHeader ? { authHeader } : {}),
    }));
  }

  /** DELETE /images/{name}. */
  private async deleteImages(ctx: RequestContext): Promise<void> {
    const name = ctx.params['*'] ?? '';
    if (name === '') throw new NotFoundError('page not found');
    // `platforms` (1.50) deletes the content of those platforms; a berthd image has one platform,
    // so it is removed when its platform is among them.
    const wanted = platformParams(ctx.query.getAll('platforms'), ctx.version, '1.50');
    if (wanted?.length) checkPlatform(name, await this.backend.imageInspect(name), wanted);
    ctx.json200(await this.backend.imageRemove(name, { force: ctx.bool('force'), noprune: ctx.bool('noprune') }));
  }
}

/**
 * dockerd's push without X-Registry-Auth: the old clients' auth config in the body, which must
 * decode (an empty body is Go's EOF) — a 400 before the image is looked at.
 */
async function pushAuthFromBody(ctx: RequestContext): Promise<void> {
  const raw = (await ctx.body()).toString();
  if (raw.trim() === '') throw new InvalidParameterError('Bad parameters and missing X-Registry-Auth: EOF');
  try {
    JSON.parse(raw);
  } catch {
    throw new InvalidParameterError('Bad parameters and missing X-Registry-Auth: invalid character in auth config');
  }
}
