// Routes of swarm mode: /swarm, /nodes, /services, /tasks, /secrets, /configs. Each handler checks
// its request as dockerd's api/server/router/swarm/cluster_routes.go does (body, version, flags)
// before asking the backend, so a malformed request gets dockerd's 400 even outside a swarm.
import { InvalidParameterError, SystemError } from '../../../errdefs/index.js';
import { waitForDrain } from '../../../internal/stream-pumps.js';
import { versionLt } from '../../../internal/version.js';
import type { RequestContext } from '../../server/context.js';
import type { Route, Router } from '../../server/route.js';
import { parseFilters } from '../containers/filters.js';
import { RAW_STREAM } from '../hijacked-stream.js';
import type { ClusterObject, ClusterRequest, LogsSelector, SwarmBackend, SwarmInitRequest, SwarmJoinRequest } from './backend.js';
import { shapeInitRequest } from './shape.js';

type SpecObject = 'node' | 'service' | 'secret' | 'config';

/** Go's json.Decoder into a struct: EOF and syntax errors are 400s; JSON null is an empty struct. */
async function decodeBody(ctx: RequestContext, goType: string): Promise<Record<string, unknown>> {
  const raw = (await ctx.body()).toString('utf8');
  if (raw.trim() === '') throw new InvalidParameterError('got EOF while reading request body');
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch (err) {
    throw new InvalidParameterError((err as Error).message, { cause: err });
  }
  if (v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) {
    const kind = Array.isArray(v) ? 'array' : typeof v === 'boolean' ? 'bool' : typeof v;
    throw new InvalidParameterError(`json: cannot unmarshal ${kind} into Go value of type ${goType}`);
  }
  return v as Record<string, unknown>;
}

/** strconv.ParseUint(raw, 10, 64) with Go's error text. */
function parseUint(raw: string): number | Error {
  if (!/^[0-9]+$/.test(raw)) return new Error(`strconv.ParseUint: parsing "${raw}": invalid syntax`);
  const n = Number(raw);
  return Number.isSafeInteger(n) ? n : new Error(`strconv.ParseUint: parsing "${raw}": value out of range`);
}

/** strconv.ParseBool with Go's error text. */
function parseBool(raw: string): boolean | Error {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(raw)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(raw)) return false;
  return new Error(`strconv.ParseBool: parsing "${raw}": invalid syntax`);
}

function boolParam(ctx: RequestContext, name: string, message: (raw: string, err: Error) => string): boolean {
  const raw = ctx.string(name) ?? '';
  if (raw === '') return false;
  const v = parseBool(raw);
  if (v instanceof Error) throw new InvalidParameterError(message(raw, v));
  return v;
}

/** The `version` query parameter of an update; dockerd words the error per object. */
function objectVersion(ctx: RequestContext, object: SpecObject | 'swarm'): number {
  const raw = ctx.string('version') ?? '';
  const v = parseUint(raw);
  if (!(v instanceof Error)) return v;
  // secrets and configs say only this (cluster_routes.go updateSecret/updateConfig)
  if (object === 'secret' || object === 'config') throw new InvalidParameterError(`invalid ${object} version`);
  throw new InvalidParameterError(`invalid ${object} version '${raw}': ${v.message}`);
}

/** The objects' first API versions (reference/api: swarm 1.24, secrets 1.25, configs 1.30). */
const SINCE: Record<ClusterObject, string> = { node: '1.24', service: '1.24', task: '1.24', secret: '1.25', config: '1.30' };

export class SwarmRouter implements Router {
  constructor(private readonly backend: SwarmBackend) {}

  routes(): Route[] {
    const r = (method: Route['method'], path: string, handler: (ctx: RequestContext) => Promise<void>, minVersion: string): Route =>
      ({ method, path, handler, minVersion });
    return [
      r('POST', '/swarm/init', (c) => this.postSwarmInit(c), '1.24'),
      r('POST', '/swarm/join', (c) => this.postSwarmJoin(c), '1.24'),
      r('POST', '/swarm/leave', (c) => this.postSwarmLeave(c), '1.24'),
      r('GET', '/swarm', (c) => this.cluster(c, { op: 'inspect-swarm' }), '1.24'),
      r('GET', '/swarm/unlockkey', (c) => this.cluster(c, { op: 'unlock-key' }), '1.25'),
      r('POST', '/swarm/update', (c) => this.postSwarmUpdate(c), '1.24'),
      r('POST', '/swarm/unlock', (c) => this.postSwarmUnlock(c), '1.25'),

      r('GET', '/services', (c) => this.getList(c, 'service'), SINCE.service),
      r('GET', '/services/:id', (c) => this.getServicesId(c), SINCE.service),
      r('POST', '/services/create', (c) => this.postCreate(c, 'service', 'swarm.ServiceSpec'), SINCE.service),
      r('POST', '/services/:id/update', (c) => this.postUpdate(c, 'service', 'swarm.ServiceSpec'), SINCE.service),
      r('DELETE', '/services/:id', (c) => this.delete(c, 'service'), SINCE.service),
      r('GET', '/services/:id/logs', (c) => this.getLogs(c, 'service'), '1.25'),

      r('GET', '/nodes', (c) => this.getList(c, 'node'), SINCE.node),
      r('GET', '/nodes/:id', (c) => this.cluster(c, { op: 'inspect', object: 'node', id: c.params.id! }), SINCE.node),
      r('DELETE', '/nodes/:id', (c) => this.delete(c, 'node'), SINCE.node),
      r('POST', '/nodes/:id/update', (c) => this.postUpdate(c, 'node', 'swarm.NodeSpec'), SINCE.node),

      r('GET', '/tasks', (c) => this.getList(c, 'task'), SINCE.task),
      r('GET', '/tasks/:id', (c) => this.cluster(c, { op: 'inspect', object: 'task', id: c.params.id! }), SINCE.task),
      r('GET', '/tasks/:id/logs', (c) => this.getLogs(c, 'task'), '1.29'),

      r('GET', '/secrets', (c) => this.getList(c, 'secret'), SINCE.secret),
      r('POST', '/secrets/create', (c) => this.postCreate(c, 'secret', 'swarm.SecretSpec'), SINCE.secret),
      r('DELETE', '/secrets/:id', (c) => this.delete(c, 'secret'), SINCE.secret),
      r('GET', '/secrets/:id', (c) => this.cluster(c, { op: 'inspect', object: 'secret', id: c.params.id! }), SINCE.secret),
      r('POST', '/secrets/:id/update', (c) => this.postUpdate(c, 'secret', 'swarm.SecretSpec'), '1.26'),

      r('GET', '/configs', (c) => this.getList(c, 'config'), SINCE.config),
      r('POST', '/configs/create', (c) => this.postCreate(c, 'config', 'swarm.ConfigSpec'), SINCE.config),
      r('DELETE', '/configs/:id', (c) => this.delete(c, 'config'), SINCE.config),
      r('GET', '/configs/:id', (c) => this.cluster(c, { op: 'inspect', object: 'config', id: c.params.id! }), SINCE.config),
      r('POST', '/configs/:id/update', (c) => this.postUpdate(c, 'config', 'swarm.ConfigSpec'), SINCE.config),
    ];
  }

  /** A manager request whose answer is JSON (or nothing: 200 with an empty body, as dockerd). */
  private async cluster(ctx: RequestContext, req: ClusterRequest, status = 200): Promise<void> {
    const result = await this.backend.clusterRequest(req);
    if (result === undefined) ctx.send(status, undefined);
    else ctx.send(status, result);
  }

  private async postSwarmInit(ctx: RequestContext): Promise<void> {
    const req = shapeInitRequest(await decodeBody(ctx, 'swarm.InitRequest') as SwarmInitRequest, ctx.version);
    ctx.json200(await this.backend.swarmInit(req));
  }

  private async postSwarmJoin(ctx: RequestContext): Promise<void> {
    const req = await decodeBody(ctx, 'swarm.JoinRequest') as SwarmJoinRequest;
    await this.backend.swarmJoin(req);
    ctx.send(200, undefined);
  }

  private async postSwarmLeave(ctx: RequestContext): Promise<void> {
    await this.backend.swarmLeave(ctx.bool('force'));
    ctx.send(200, undefined);
  }

  private async postSwarmUpdate(ctx: RequestContext): Promise<void> {
    const spec = await decodeBody(ctx, 'swarm.Spec');
    const version = objectVersion(ctx, 'swarm');
    const rotate = {
      workerToken: boolParam(ctx, 'rotateWorkerToken', (raw) => `invalid value for rotateWorkerToken: ${raw}`),
      managerToken: boolParam(ctx, 'rotateManagerToken', (raw) => `invalid value for rotateManagerToken: ${raw}`),
      managerUnlockKey: boolParam(ctx, 'rotateManagerUnlockKey', (raw) => `invalid value for rotateManagerUnlockKey: ${raw}`),
    };
    await this.cluster(ctx, { op: 'update-swarm', version, spec, rotate });
  }

  private async postSwarmUnlock(ctx: RequestContext): Promise<void> {
    const req = await decodeBody(ctx, 'swarm.UnlockRequest');
    await this.backend.swarmUnlock(typeof req.UnlockKey === 'string' ? req.UnlockKey : '');
    ctx.send(200, undefined);
  }

  private async getList(ctx: RequestContext, object: ClusterObject): Promise<void> {
    const filters = parseFilters(ctx.string('filters'));
    // `status` on GET /services exists from 1.41; older clients' value is ignored (dockerd does too)
    const status = object === 'service' && !versionLt(ctx.version, '1.41')
      ? boolParam(ctx, 'status', (raw, err) => `invalid value for status: ${raw}: ${err.message}`)
      : undefined;
    await this.cluster(ctx, { op: 'list', object, filters, ...(status !== undefined ? { status } : {}) });
  }

  private async getServicesId(ctx: RequestContext): Promise<void> {
    const insertDefaults = boolParam(ctx, 'insertDefaults', (raw, err) => `invalid value for insertDefaults: ${raw}: ${err.message}`);
    await this.cluster(ctx, { op: 'inspect', object: 'service', id: ctx.params.id!, insertDefaults });
  }

  private async postCreate(ctx: RequestContext, object: 'service' | 'secret' | 'config', goType: string): Promise<void> {
    const spec = await decodeBody(ctx, goType);
    if (object !== 'service' && spec.Templating != null && versionLt(ctx.version, '1.37')) {
      throw new InvalidParameterError(`${object} templating is not supported on the specified API version: ${ctx.version}`);
    }
    const registryAuth = headerValue(ctx, 'x-registry-auth');
    await this.cluster(ctx, { op: 'create', object, spec, ...(registryAuth ? { registryAuth } : {}) }, 201);
  }

  private async postUpdate(ctx: RequestContext, object: SpecObject, goType: string): Promise<void> {
    const spec = await decodeBody(ctx, goType);
    const version = objectVersion(ctx, object);
    const registryAuth = headerValue(ctx, 'x-registry-auth');
    await this.cluster(ctx, { op: 'update', object, id: ctx.params.id!, version, spec, ...(registryAuth ? { registryAuth } : {}) });
  }

  private async delete(ctx: RequestContext, object: SpecObject): Promise<void> {
    await this.cluster(ctx, { op: 'remove', object, id: ctx.params.id!, ...(object === 'node' ? { force: ctx.bool('force') } : {}) });
  }

  private async getLogs(ctx: RequestContext, object: 'service' | 'task'): Promise<void> {
    const options: LogsSelector = {
      stdout: ctx.bool('stdout'), stderr: ctx.bool('stderr'), follow: ctx.bool('follow'),
      timestamps: ctx.bool('timestamps'), details: ctx.bool('details'),
      ...(ctx.string('since') ? { since: ctx.string('since')! } : {}),
      ...(ctx.string('tail') ? { tail: ctx.string('tail')! } : {}),
    };
    // dockerd's swarmLogs returns this as an unclassed error, so a 500
    if (!options.stdout && !options.stderr) throw new SystemError('Bad parameters: you must choose at least one stream');
    const chunks = await this.backend.clusterRequest({ op: 'logs', object, id: ctx.params.id!, options }) as AsyncIterable<Uint8Array>;
    const res = ctx.stream(RAW_STREAM);
    for await (const chunk of chunks) if (!res.write(chunk)) await waitForDrain(res);
    res.end();
  }
}

function headerValue(ctx: RequestContext, name: string): string | undefined {
  const v = ctx.req.headers[name];
  return (Array.isArray(v) ? v[0] : v) || undefined;
}
