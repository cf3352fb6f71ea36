// The networks API (1.21): GET /networks, GET/DELETE /networks/{id}, POST /networks/create,
// POST /networks/{id}/connect|disconnect, and POST /networks/prune (1.25). dockerd's
// daemon/server/router/network, with its request checks.
import { InvalidParameterError } from '../../../errdefs/index.js';
import type { RequestContext } from '../../server/context.js';
import type { Route, Router } from '../../server/route.js';
import { parseFilters } from '../containers/filters.js';
import type { EndpointConfigRequest, NetworkBackend, NetworkCreateRequest } from './backend.js';
import { shapeConnectRequest, shapeNetwork } from './shape.js';

async function jsonBody(ctx: RequestContext): Promise<Record<string, unknown>> {
  const raw = (await ctx.body()).toString('utf8');
  if (raw.trim() === '') throw new InvalidParameterError('got EOF while reading request body');
  let body: unknown;
  try { body = JSON.parse(raw); } catch (err) { throw new InvalidParameterError((err as Error).message, { cause: err }); }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new InvalidParameterError('invalid JSON body');
  return body as Record<string, unknown>;
}

export class NetworksRouter implements Router {
  constructor(private readonly backend: NetworkBackend) {}

  routes(): Route[] {
    return [
      { method: 'GET', path: '/networks', handler: (c) => this.getNetworks(c), minVersion: '1.21' },
      { method: 'POST', path: '/networks/create', handler: (c) => this.postNetworksCreate(c), minVersion: '1.21' },
      { method: 'POST', path: '/networks/prune', handler: (c) => this.postNetworksPrune(c), minVersion: '1.25' },
      { method: 'GET', path: '/networks/:id', handler: (c) => this.getNetworksId(c), minVersion: '1.21' },
      { method: 'DELETE', path: '/networks/:id', handler: (c) => this.deleteNetworksId(c), minVersion: '1.21' },
      { method: 'POST', path: '/networks/:id/connect', handler: (c) => this.postNetworksConnect(c), minVersion: '1.21' },
      { method: 'POST', path: '/networks/:id/disconnect', handler: (c) => this.postNetworksDisconnect(c), minVersion: '1.21' },
    ];
  }

  private async getNetworks(ctx: RequestContext): Promise<void> {
    const list = await this.backend.networkList(parseFilters(ctx.string('filters')));
    ctx.json200(list.map((n) => shapeNetwork(n, ctx.version, true)));
  }

  private async getNetworksId(ctx: RequestContext): Promise<void> {
    const n = await this.backend.networkInspect(ctx.params.id!, { verbose: ctx.bool('verbose'), scope: ctx.string('scope') ?? '' });
    ctx.json200(shapeNetwork(n, ctx.version, false));
  }

  private async postNetworksCreate(ctx: RequestContext): Promise<void> {
    const body = await jsonBody(ctx);
    if (typeof body.Name !== 'string' && body.Name !== undefined) {
      throw new InvalidParameterError('json: cannot unmarshal into Go struct field CreateRequest.Name of type string');
    }
    ctx.send(201, await this.backend.networkCreate(body as unknown as NetworkCreateRequest));
  }

  private async deleteNetworksId(ctx: RequestContext): Promise<void> {
    await this.backend.networkRemove(ctx.params.id!);
    ctx.noContent();
  }

  private async postNetworksConnect(ctx: RequestContext): Promise<void> {
    const body = await jsonBody(ctx);
    const container = typeof body.Container === 'string' ? body.Container : '';
    if (!container) throw new InvalidParameterError('invalid request: no container specified');
    await this.backend.networkConnect(ctx.params.id!, container, shapeConnectRequest((body.EndpointConfig ?? {}) as EndpointConfigRequest, ctx.version));
    ctx.noContent(200);
  }

  private async postNetworksDisconnect(ctx: RequestContext): Promise<void> {
    const body = await jsonBody(ctx);
    const container = typeof body.Container === 'string' ? body.Container : '';
    if (!container) throw new InvalidParameterError('invalid request: no container specified');
    await this.backend.networkDisconnect(ctx.params.id!, container, body.Force === true);
    ctx.noContent(200);
  }

  private async postNetworksPrune(ctx: RequestContext): Promise<void> {
    ctx.json200(await this.backend.networksPrune(parseFilters(ctx.string('filters'))));
  }
}
