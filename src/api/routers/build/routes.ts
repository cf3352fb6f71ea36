// POST /build (the classic builder's JSON stream), /build/prune and /build/cancel. Parameters are
// validated before anything is written; the response starts with the build's first output, so an
// error before it (not a tar, no Dockerfile, a syntax error) is a plain error response, as dockerd's
// lazily flushed writer gives; later errors travel in the stream as `errorDetail`.
import { InvalidParameterError } from '../../../errdefs/index.js';
import { goUnmarshalError } from '../../../internal/go-json-error.js';
import { versionGte } from '../../../internal/version.js';
import type { RequestContext } from '../../server/context.js';
import type { Route, Router } from '../../server/route.js';
import { parseFilters } from '../containers/filters.js';
import type { BuildBackend, BuildOptions } from './backend.js';

function jsonParam<T>(ctx: RequestContext, name: string, what: string): T | undefined {
  const text = ctx.string(name);
  if (!text) return undefined;
  const err = goUnmarshalError(text);
  if (err) throw new InvalidParameterError(`error reading ${what} settings: ${err}`);
  return JSON.parse(text) as T;
}

function int(ctx: RequestContext, name: string): number | undefined {
  const v = ctx.string(name);
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new InvalidParameterError(`strconv.ParseInt: parsing "${v}": invalid syntax`);
  return n;
}

/** dockerd's newImageBuildOptions. */
export function buildOptions(ctx: RequestContext): BuildOptions {
  if (ctx.query.getAll('securityopt').length) throw new InvalidParameterError('The daemon on this platform does not support setting security options on build');
  if (ctx.string('version') === '2') throw new InvalidParameterError('BuildKit is not supported by berthd (Builder-Version 1): set DOCKER_BUILDKIT=0');
  const forceRemove = ctx.bool('forcerm');
  const rm = ctx.string('rm');
  const o: BuildOptions = {
    tags: ctx.query.getAll('t').filter((t) => t !== ''),
    quiet: ctx.bool('q'),
    noCache: ctx.bool('nocache'),
    remove: forceRemove || rm === undefined || rm === '' ? true : ctx.bool('rm'),
    forceRemove,
    pull: ctx.bool('pull'),
    buildArgs: jsonParam<Record<string, string | null>>(ctx, 'buildargs', 'build args') ?? {},
    labels: jsonParam<Record<string, string>>(ctx, 'labels', 'labels') ?? {},
    cacheFrom: jsonParam<string[]>(ctx, 'cachefrom', 'cache from') ?? [],
    extraHosts: ctx.query.getAll('extrahosts').flatMap((h) => h.split(',')).filter(Boolean),
    authConfigs: {},
  };
  const text = (k: keyof BuildOptions, q: string): void => { const v = ctx.string(q); if (v) (o as unknown as Record<string, unknown>)[k] = v; };
  text('dockerfile', 'dockerfile'); text('target', 'target'); text('networkMode', 'networkmode'); text('cpuSetCpus', 'cpusetcpus');
  text('cpuSetMems', 'cpusetmems'); text('cgroupParent', 'cgroupparent'); text('platform', 'platform'); text('buildId', 'buildid'); text('remote', 'remote');
  const num = (k: keyof BuildOptions, q: string): void => { const v = int(ctx, q); if (v !== undefined) (o as unknown as Record<string, unknown>)[k] = v; };
  num('shmSize', 'shmsize'); num('memory', 'memory'); num('memorySwap', 'memswap'); num('cpuShares', 'cpushares');
  num('cpuPeriod', 'cpuperiod'); num('cpuQuota', 'cpuquota');
  if (o.shmSize !== undefined && o.shmSize <= 0) throw new InvalidParameterError('SHM size must be greater than 0');
  const ulimits = jsonParam<BuildOptions['ulimits']>(ctx, 'ulimits', 'ulimit');
  if (ulimits) o.ulimits = ulimits;
  const registryConfig = ctx.req.headers['x-registry-config'];
  if (typeof registryConfig === 'string' && registryConfig) {
    try { o.authConfigs = JSON.parse(Buffer.from(registryConfig, 'base64').toString('utf8')) as Record<string, unknown>; } catch { /* dockerd ignores a bad header */ }
  }
  return o;
}

export class BuildRouter implements Router {
  constructor(private readonly backend: BuildBackend) {}

  routes(): Route[] {
    return [
      { method: 'POST', path: '/build', handler: (c) => this.postBuild(c) },
      { method: 'POST', path: '/build/prune', handler: (c) => this.postBuildPrune(c), minVersion: '1.31' },
      { method: 'POST', path: '/build/cancel', handler: (c) => this.postBuildCancel(c), minVersion: '1.31' },
    ];
  }

  private async postBuild(ctx: RequestContext): Promise<void> {
    const options = buildOptions(ctx);
    const wantAux = versionGte(ctx.version, '1.30') && !options.quiet;
    let res: ReturnType<RequestContext['stream']> | undefined;
    const quietBuffer: string[] = [];
    const write = (obj: object): void => {
      res ??= ctx.stream('application/json');
      res.write(JSON.stringify(obj) + '\r\n');
    };
    const out = {
      stream: (text: string): void => { if (options.quiet) quietBuffer.push(text); else write({ stream: text }); },
      aux: (value: object): void => { if (wantAux) write({ aux: value }); },
      progress: (message: object): void => { if (!options.quiet) write(message); },
    };
    try {
      const id = await this.backend.build(ctx.req, options, out, ctx.signal);
      if (options.quiet) write({ stream: `${id}\n` });
    } catch (err) {
      if (ctx.signal.aborted && !res) return;
      // errors before any output answer as a plain error (nothing was written yet)
      if (!res && quietBuffer.length === 0 && !isStreamed(err)) throw err;
      for (const text of quietBuffer) write({ stream: text });
      const message = (err as Error).message;
      const code = (err as { code?: unknown }).code;
      write({ errorDetail: { ...(typeof code === 'number' ? { code } : {}), message }, error: message });
    }
    if (!res) res = ctx.stream('application/json');
    res.end();
  }

  private async postBuildPrune(ctx: RequestContext): Promise<void> {
    const filters = parseFilters(ctx.string('filters'));
    ctx.json200(await this.backend.buildPrune({ all: ctx.bool('all'), filters }));
  }

  private async postBuildCancel(ctx: RequestContext): Promise<void> {
    const id = ctx.string('id');
    if (!id) throw new InvalidParameterError('build ID not provided');
    await this.backend.buildCancel(id);
    ctx.noContent(200);
  }
}

/** Step failures are reported in the stream even when they come first (quiet builds). */
const isStreamed = (err: unknown): boolean => typeof (err as { code?: unknown }).code === 'number';
