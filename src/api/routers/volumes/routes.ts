// The volumes API: GET /volumes, POST /volumes/create, GET and DELETE /volumes/{name} (1.21), and
// POST /volumes/prune (1.25; `all` and anonymous-only by default from 1.42). dockerd's
// daemon/server/router/volume, with its request checks.
import { InvalidParameterError } from '../../../errdefs/index.js';
import { versionLt } from '../../../internal/version.js';
import type { RequestContext } from '../../server/context.js';
import type { Route, Router } from '../../server/route.js';
import { parseFilters } from '../containers/filters.js';
import type { VolumeBackend, VolumeCreateRequest } from './backend.js';
import { shapeCreateRequest, shapeVolume, shapeVolumeList } from './shape.js';

const goKind = (v: unknown): string => (Array.isArray(v) ? 'array' : typeof v === 'boolean' ? 'bool' : typeof v);

/** Go's json.Decoder into volume.CreateOptions: wrong field types are 400s with its wording. */
function createRequest(body: unknown): VolumeCreateRequest {
  if (body === null) return { Name: '', Driver: '', DriverOpts: null, Labels: null };
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new InvalidParameterError(`json: cannot unmarshal ${goKind(body)} into Go value of type volume.CreateOptions`);
  }
  const b = body as Record<string, unknown>;
  const str = (k: string): string => {
    const v = b[k];
    if (v === undefined || v === null) return '';
    if (typeof v !== 'string') throw new InvalidParameterError(`json: cannot unmarshal ${goKind(v)} into Go struct field CreateOptions.${k} of type string`);
    return v;
  };
  const map = (k: string): Record<string, string> | null => {
    const v = b[k];
    if (v === undefined || v === null) return null;
    const bad = typeof v !== 'object' || Array.isArray(v);
    const badValue = bad ? undefined : Object.values(v as object).find((x) => typeof x !== 'string');
    if (bad || badValue !== undefined) {
      throw new InvalidParameterError(`json: cannot unmarshal ${goKind(bad ? v : badValue)} into Go struct field CreateOptions.${k} of type ${bad ? 'map[string]string' : 'string'}`);
    }
    return v as Record<string, string>;
  };
  return { Name: str('Name'), Driver: str('Driver'), DriverOpts: map('DriverOpts'), Labels: map('Labels') };
}

export class VolumesRouter implements Router {
  constructor(private readonly backend: VolumeBackend) {}

  routes(): Route[] {
    return [
      { method: 'GET', path: '/volumes', handler: (c) => this.getVolumes(c), minVersion: '1.21' },
      { method: 'POST', path: '/volumes/create', handler: (c) => this.postVolumesCreate(c), minVersion: '1.21' },
      { method: 'POST', path: '/volumes/prune', handler: (c) => this.postVolumesPrune(c), minVersion: '1.25' },
      { method: 'GET', path: '/volumes/:name', handler: (c) => this.getVolumesName(c), minVersion: '1.21' },
      { method: 'DELETE', path: '/volumes/:name', handler: (c) => this.deleteVolumesName(c), minVersion: '1.21' },
    ];
  }

  private async getVolumes(ctx: RequestContext): Promise<void> {
    const list = await this.backend.volumeList(parseFilters(ctx.string('filters')));
    ctx.json200(shapeVolumeList(list, ctx.version));
  }

  private async postVolumesCreate(ctx: RequestContext): Promise<void> {
    const raw = (await ctx.body()).toString('utf8');
    if (raw.trim() === '') throw new InvalidParameterError('got EOF while reading request body');
    let body: unknown;
    try { body = JSON.parse(raw); } catch (err) { throw new InvalidParameterError((err as Error).message, { cause: err }); }
    const req = shapeCreateRequest(createRequest(body), ctx.version);
    ctx.send(201, shapeVolume(await this.backend.volumeCreate(req), ctx.version));
  }

  private async getVolumesName(ctx: RequestContext): Promise<void> {
    ctx.json200(shapeVolume(await this.backend.volumeInspect(ctx.params.name!), ctx.version));
  }

  private async deleteVolumesName(ctx: RequestContext): Promise<void> {
    // `force` is 1.25's
    const force = !versionLt(ctx.version, '1.25') && ctx.bool('force');
    await this.backend.volumeRemove(ctx.params.name!, { force });
    ctx.noContent();
  }

  private async postVolumesPrune(ctx: RequestContext): Promise<void> {
    const newer = !versionLt(ctx.version, '1.42');
    const result = await this.backend.volumesPrune(parseFilters(ctx.string('filters')), { anonymousOnly: newer, allowAll: newer }, ctx.signal);
    ctx.json200(result);
  }
}
