// Routes under /containers: lifecycle, list/inspect, logs and attach.
import type { Writable } from 'node:stream';
import { ConflictError, InvalidParameterError, withPrefix } from '../../../errdefs/index.js';
import { parseSignal } from '../../../internal/signals.js';
import { waitForDrain } from '../../../internal/stream-pumps.js';
import { versionGte, versionLt } from '../../../internal/version.js';
import type { RequestContext } from '../../server/context.js';
import type { Route, Router } from '../../server/route.js';
import type { ContainerCreateBody, HostConfig } from '../../types/container.js';
import type { ContainerUpdateBody } from '../../types/host-config.js';
import type { ContainerBackend, LogsOptions } from './backend.js';
import { serveWebSocket } from '../websocket-stream.js';
import { RAW_STREAM, serveHijacked } from '../hijacked-stream.js';
import { checkCreateBodyTypes } from '../../types/create-body.js';
import { parseFilters } from './filters.js';
import { logFrames } from './log-frames.js';
import { legacyListFilters, logsContentType, shapeCreateRequest, shapeInspect, shapeSummary, shapeUpdateRequest, shapeWaitResult, stopSignal } from './shape.js';

/** Writes and waits for drain so a slow client applies backpressure instead of buffering. */
/** The largest HTTP chunk of a logs response. */
const LOG_CHUNK = 16 * 1024;

async function write(stream: Writable, data: Buffer): Promise<void> {
  if (stream.destroyed) throw new Error('client went away');
  if (!stream.write(data)) await waitForDrain(stream);
}

/** Docker timestamps in queries: unix seconds with optional fraction ("1700000000.5"), or RFC3339. */
function parseTime(name: string, v: string | undefined): Date | undefined {
  if (v === undefined || v === '' || v === '0') return undefined;
  if (/^[0-9]+(\.[0-9]+)?$/.test(v)) return new Date(Number(v) * 1000);
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new InvalidParameterError(`invalid value for ${name}: ${v}`);
  return d;
}

function waitCondition(v: string | undefined): 'not-running' | 'next-exit' | 'removed' {
  if (v === undefined || v === '' || v === 'not-running') return 'not-running';
  if (v === 'next-exit' || v === 'removed') return v;
  throw new InvalidParameterError(`invalid condition: "${v}"`);
}

export class ContainersRouter implements Router {
  constructor(private readonly backend: ContainerBackend) {}

  routes(): Route[] {
    return [
      { method: 'GET', path: '/containers/json', handler: (c) => this.getContainersJson(c) },
      { method: 'POST', path: '/containers/create', handler: (c) => this.postContainersCreate(c) },
      { method: 'GET', path: '/containers/:id/json', handler: (c) => this.getContainersInspect(c) },
      { method: 'POST', path: '/containers/:id/start', handler: (c) => this.postContainersStart(c) },
      { method: 'POST', path: '/containers/:id/stop', handler: (c) => this.postContainersStop(c) },
      { method: 'POST', path: '/containers/:id/restart', handler: (c) => this.postContainersRestart(c) },
      { method: 'POST', path: '/containers/:id/kill', handler: (c) => this.postContainersKill(c) },
      { method: 'POST', path: '/containers/:id/wait', handler: (c) => this.postContainersWait(c) },
      { method: 'DELETE', path: '/containers/:id', handler: (c) => this.deleteContainers(c) },
      // a legacy link's name has a slash: DELETE /containers/{parent}/{alias}?link=1
      { method: 'DELETE', path: '/containers/:id/:link', handler: (c) => this.deleteContainers(c, `${c.params.id!}/${c.params.link!}`) },
      { method: 'GET', path: '/containers/:id/logs', handler: (c) => this.getContainersLogs(c) },
      { method: 'POST', path: '/containers/:id/attach', handler: (c) => this.postContainersAttach(c) },
      { method: 'POST', path: '/containers/:id/resize', handler: (c) => this.postContainersResize(c) },
      { method: 'GET', path: '/containers/:id/attach/ws', handler: (c) => this.getContainersAttachWs(c) },
      { method: 'POST', path: '/containers/:id/update', handler: (c) => this.postContainersUpdate(c) },
    ];
  }

  private async getContainersJson(ctx: RequestContext): Promise<void> {
    const filters = { ...parseFilters(ctx.string('filters')), ...legacyListFilters({ since: ctx.string('since'), before: ctx.string('before') }, ctx.version) };
    const list = await this.backend.containerList({
      all: ctx.bool('all'), limit: ctx.int('limit'), size: ctx.bool('size'), filters,
    });
    ctx.json200(list.map((s) => shapeSummary(s, ctx.version)));
  }

  private async postContainersCreate(ctx: RequestContext): Promise<void> {
    const body = await ctx.json<ContainerCreateBody>();
    // moby 23+ (runconfig loadJSON): an empty body is the decoder's io.EOF
    if (body === undefined) throw new InvalidParameterError('invalid JSON: got EOF while reading request body');
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      throw new InvalidParameterError('Config cannot be empty in order to create a container');
    }
    checkCreateBodyTypes(body);
    const name = ctx.string('name') || undefined;
    const shaped = shapeCreateRequest(body, ctx.version);
    const result = await this.backend.containerCreate(name, shaped.body);
    ctx.send(201, shaped.warnings.length > 0 ? { ...result, Warnings: [...(result.Warnings ?? []), ...shaped.warnings] } : result);
  }

  private async getContainersInspect(ctx: RequestContext): Promise<void> {
    const c = await this.backend.containerInspect(ctx.params.id!, { size: ctx.bool('size') });
    ctx.json200(shapeInspect(c, ctx.version));
  }

  private async postContainersStart(ctx: RequestContext): Promise<void> {
    const body = await ctx.json<HostConfig>();
    if (body !== undefined && body !== null && Object.keys(body).length > 0 && !versionLt(ctx.version, '1.24')) {
      throw new InvalidParameterError('starting container with non-empty request body was deprecated since API v1.22 and removed in v1.24');
    }
    await this.backend.containerStart(ctx.params.id!, versionLt(ctx.version, '1.24') ? body ?? undefined : undefined);
    ctx.noContent();
  }

  private stopOptions(ctx: RequestContext): { timeout?: number; signal?: string } {
    const t = ctx.int('t');
    const signal = stopSignal(ctx.string('signal') || undefined, ctx.version);
    return { ...(t !== undefined ? { timeout: t } : {}), ...(signal ? { signal } : {}) };
  }

  private async postContainersStop(ctx: RequestContext): Promise<void> {
    await this.backend.containerStop(ctx.params.id!, this.stopOptions(ctx));
    ctx.noContent();
  }

  private async postContainersRestart(ctx: RequestContext): Promise<void> {
    await this.backend.containerRestart(ctx.params.id!, this.stopOptions(ctx));
    ctx.noContent();
  }

  private async postContainersKill(ctx: RequestContext): Promise<void> {
    const name = ctx.params.id!;
    const signal = ctx.string('signal') || undefined;
    if (signal) parseSignal(signal); // 400 before anything else, unwrapped, as in dockerd
    try {
      await this.backend.containerKill(name, signal);
    } catch (err) {
      // Before 1.20 killing a stopped container was not an error.
      if (!(err instanceof ConflictError && versionLt(ctx.version, '1.20'))) throw withPrefix(err, `Cannot kill container: ${name}: `);
    }
    ctx.noContent();
  }

  private async postContainersWait(ctx: RequestContext): Promise<void> {
    const condition = versionLt(ctx.version, '1.30') ? 'not-running' : waitCondition(ctx.string('condition'));
    const { result } = await this.backend.containerWait(ctx.params.id!, condition, ctx.signal);
    // Headers go out as soon as the wait is registered: the CLI sends `start` only after it has
    // them, which is what makes `next-exit` race-free.
    const res = ctx.stream('application/json');
    const r = await result;
    res.end(JSON.stringify(shapeWaitResult(r, ctx.version)) + '\n');
  }

  private async deleteContainers(ctx: RequestContext, ref = ctx.params.id!): Promise<void> {
    await this.backend.containerRemove(ref, {
      force: ctx.bool('force'), removeVolumes: ctx.bool('v'), link: ctx.bool('link'),
    });
    ctx.noContent();
  }

  private async getContainersLogs(ctx: RequestContext): Promise<void> {
    const tailRaw = ctx.string('tail');
    let tail: number | undefined;
    if (tailRaw !== undefined && tailRaw !== '' && tailRaw !== 'all') {
      const n = Number(tailRaw);
      // dockerd treats a negative or unparsable tail as "all"
      tail = Number.isInteger(n) && n >= 0 ? n : undefined;
    }
    const options: LogsOptions = {
      stdout: ctx.bool('stdout'), stderr: ctx.bool('stderr'), follow: ctx.bool('follow'),
      timestamps: ctx.bool('timestamps'), details: ctx.bool('details'),
      ...(tail !== undefined ? { tail } : {}),
      ...(parseTime('since', ctx.string('since')) ? { since: parseTime('since', ctx.string('since'))! } : {}),
      ...(parseTime('until', ctx.string('until')) ? { until: parseTime('until', ctx.string('until'))! } : {}),
    };
    if (!options.stdout && !options.stderr) {
      throw new InvalidParameterError('Bad parameters: you must choose at least one stream');
    }
    const { tty, entries } = await this.backend.containerLogs(ctx.params.id!, options, ctx.signal);
    const res = ctx.stream(logsContentType(ctx.version, tty));
    try {
      // A frame per record, as dockerd sends them, written in HTTP chunks of at most 16 KiB: one
      // chunk per 256 KiB batch made clients that copy the rest of their buffer after each frame
      // (dockerode's demuxStream, hence Testcontainers) about 10× slower than on dockerd.
      for await (const batch of entries) {
        const frames = logFrames(batch, tty, options);
        for (let o = 0; o < frames.length; o += LOG_CHUNK) await write(res, frames.subarray(o, o + LOG_CHUNK));
      }
    } catch (err) {
      if (!ctx.signal.aborted) throw err;
    }
    res.end();
  }

  private async postContainersAttach(ctx: RequestContext): Promise<void> {
    const options = {
      stream: ctx.bool('stream'), logs: ctx.bool('logs'), stdin: ctx.bool('stdin'),
      stdout: ctx.bool('stdout'), stderr: ctx.bool('stderr'),
      ...(ctx.string('detachKeys') ? { detachKeys: ctx.string('detachKeys')! } : {}),
    };
    // dockerd answers attach errors on the hijacked connection, as raw-stream text at every version
    ctx.hijackedErrorContentType = RAW_STREAM;
    const prepared = await this.backend.containerAttach(ctx.params.id!, options);
    await serveHijacked(ctx, prepared, options.stdin, false);
  }

  /**
   * Before API 1.42 dockerd ignores stdin/stdout/stderr here and attaches all three; berthd serves
   * up to 1.41, so it does the same.
   */
  private async getContainersAttachWs(ctx: RequestContext): Promise<void> {
    const options = {
      stream: ctx.bool('stream'), logs: ctx.bool('logs'), stdin: true, stdout: true, stderr: true,
      ...(ctx.string('detachKeys') ? { detachKeys: ctx.string('detachKeys')! } : {}),
    };
    const prepared = await this.backend.containerAttach(ctx.params.id!, options);
    const ws = await ctx.websocket();
    if (!ws) return;
    await serveWebSocket(ws, prepared, { binary: versionGte(ctx.version, '1.28') });
  }

  private async postContainersUpdate(ctx: RequestContext): Promise<void> {
    const body = await ctx.json<ContainerUpdateBody>();
    if (body !== undefined && (body === null || typeof body !== 'object' || Array.isArray(body))) {
      throw new InvalidParameterError('json: cannot unmarshal into Go value of type container.UpdateConfig');
    }
    const { Warnings } = await this.backend.containerUpdate(ctx.params.id!, shapeUpdateRequest(body ?? {}, ctx.version));
    // dockerd's ContainerUpdateOKBody: a nil slice when there is nothing to warn about
    ctx.json200({ Warnings: Warnings.length > 0 ? Warnings : null });
  }

  private async postContainersResize(ctx: RequestContext): Promise<void> {
    // dockerd: strconv.Atoi on both, so a missing one is an invalid parameter too
    const h = ctx.atoi('h');
    const w = ctx.atoi('w');
    await this.backend.containerResize(ctx.params.id!, h, w);
    ctx.send(200, undefined);
  }
}
