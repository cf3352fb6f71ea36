// Routes that talk to registries without touching the local store's shape: POST /auth,
// GET /distribution/{name}/json (1.30) and GET /images/search. Pull and push live under /images.
import { InvalidParameterError, NotFoundError } from '../../../errdefs/index.js';
import type { RequestContext } from '../../server/context.js';
import type { Route, Router } from '../../server/route.js';
import { parseFilters } from '../containers/filters.js';
import type { RegistryBackend } from './backend.js';

export class DistributionRouter implements Router {
  constructor(private readonly backend: RegistryBackend) {}

  routes(): Route[] {
    return [
      { method: 'POST', path: '/auth', handler: (c) => this.postAuth(c) },
      { method: 'GET', path: '/distribution/*', handler: (c) => this.getDistribution(c), minVersion: '1.30' },
      { method: 'GET', path: '/images/search', handler: (c) => this.getImagesSearch(c) },
    ];
  }

  private async postAuth(ctx: RequestContext): Promise<void> {
    const raw = (await ctx.body()).toString();
    let body: unknown = {};
    if (raw.trim() !== '') {
      try { body = JSON.parse(raw); } catch (err) { throw new InvalidParameterError((err as Error).message); }
    }
    checkAuthConfig(body);
    ctx.json200(await this.backend.login(body, ctx.signal));
  }

  private async getDistribution(ctx: RequestContext): Promise<void> {
    const rest = ctx.params['*'] ?? '';
    if (!rest.endsWith('/json') || rest.length <= '/json'.length) throw new NotFoundError('page not found');
    const name = rest.slice(0, -'/json'.length);
    ctx.json200(await this.backend.distributionInspect(name, header(ctx), ctx.signal));
  }

  private async getImagesSearch(ctx: RequestContext): Promise<void> {
    const term = ctx.string('term') ?? '';
    const limit = ctx.int('limit', 25) ?? 25;
    if (limit < 1 || limit > 100) throw new InvalidParameterError(`limit ${limit} is outside the range of [1, 100]`);
    const filters = parseFilters(ctx.string('filters'));
    ctx.json200(await this.backend.imageSearch(term, { limit, filters, signal: ctx.signal, ...(header(ctx) ? { authHeader: header(ctx) } : {}) }));
  }
}

export function header(ctx: RequestContext): string | undefined {
  const h = ctx.req.headers['x-registry-auth'];
  return (Array.isArray(h) ? h[0] : h) || undefined;
}

const AUTH_STRING_FIELDS = ['username', 'password', 'auth', 'email', 'serveraddress', 'identitytoken', 'registrytoken'];

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  return typeof v === 'object' ? 'object' : typeof v;
}

/** Go's json.Decode into registry.AuthConfig: a body that is not an object, or a string field that is not a string, is a 400. */
export function checkAuthConfig(body: unknown): void {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    if (body === null) return;
    throw new InvalidParameterError(`json: cannot unmarshal ${jsonKind(body)} into Go value of type registry.AuthConfig`);
  }
  for (const [k, v] of Object.entries(body)) {
    const field = AUTH_STRING_FIELDS.find((f) => f === k.toLowerCase());
    if (field !== undefined && v !== null && typeof v !== 'string') {
      throw new InvalidParameterError(`json: cannot unmarshal ${jsonKind(v)} into Go struct field AuthConfig.${field} of type string`);
    }
  }
}
