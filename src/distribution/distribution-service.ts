// The registry side of the daemon: pull, push, login, remote inspect and search, over the
// endpoints a registry name resolves to (mirrors first for Docker Hub; HTTPS, then plain HTTP for an
// insecure registry). Implements the router's RegistryBackend and gives the builder an ImagePuller.
import path from 'node:path';
import type {
  LoginResult, PullRequestOptions, PushRequestOptions, RegistryBackend, SearchResult,
} from '../api/routers/distribution/backend.js';
import { BerthError, InvalidParameterError, NotFoundError, SystemError, UnauthorizedError, UnavailableError } from '../errdefs/errors.js';
import type { ImageStore } from '../image/image-store.js';
import { parseNormalizedNamed, Reference, validateDigest } from '../image/reference.js';
import type { ImageRecord } from '../image/types.js';
import { authFromBody, decodeAuthHeader, type AuthConfig } from './auth-config.js';
import { endpointsFor, indexNameOf, type Endpoint } from './endpoints.js';
import { goUrlError, readBody, request } from './http-transport.js';
import { NO_IMAGE_EVENTS, type ImageEventSink } from './image-events.js';
import { Limiter } from './limiter.js';
import { parseManifest, parsePlatform, type WantedPlatform } from './manifest.js';
import type { ProgressSink } from './progress.js';
import { pullImage, resolveManifest } from './pull.js';
import { PushMetadata, pushTag } from './push.js';
import { RegistryError, translatePullError } from './registry-errors.js';
import { DEFAULT_REGISTRY_CONFIG, type RegistryConfig } from './registry-config.js';
import { RegistrySession, TokenCache } from './registry-session.js';
import { catalog, Repository } from './repository.js';

export interface DistributionDeps {
  store: ImageStore;
  dataRoot: string;
  config?: Partial<RegistryConfig>;
  events?: ImageEventSink;
  log?: (msg: string) => void;
  /**
   * A full containerd GC: run after a failed pull, whose blobs and layers are deleted but would stay
   * on disk until containerd's own GC (its scheduler starts one only after 100 deletions).
   */
  collectGarbage?: () => Promise<void>;
}

export interface ImagePullOptions {
  auth?: AuthConfig;
  platform?: string;
  signal?: AbortSignal;
  onProgress?: ProgressSink;
}

/** Pulls `ref` ("busybox", "127.0.0.1:5000/x:1", "x@sha256:…") and answers the local image (for FROM). */
export type ImagePuller = (ref: string, options?: ImagePullOptions) => Promise<ImageRecord>;

/** Transport failures (nothing answered): the next endpoint is tried. */
function isTransportError(err: unknown): boolean {
  if (err instanceof BerthError || err instanceof RegistryError) return false;
  const code = (err as NodeJS.ErrnoException)?.code ?? '';
  return /^(E[A-Z]+|ERR_SSL_.*|ERR_TLS_.*|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_.*|CERT_.*)$/.test(code) && code !== 'ABORT_ERR';
}

export class DistributionService implements RegistryBackend {
  private config: RegistryConfig;
  private readonly tokens = new TokenCache();
  private downloads: Limiter;
  private uploads: Limiter;
  private events: ImageEventSink;
  private readonly pushMeta: PushMetadata;
  /** index name → the endpoint that answered last (HTTPS or HTTP for insecure registries) */
  private readonly working = new Map<string, string>();

  constructor(private readonly deps: DistributionDeps) {
    this.config = { ...DEFAULT_REGISTRY_CONFIG, ...deps.config };
    this.downloads = new Limiter(Math.max(this.config.maxConcurrentDownloads, 1));
    this.uploads = new Limiter(Math.max(this.config.maxConcurrentUploads, 1));
    this.events = deps.events ?? NO_IMAGE_EVENTS;
    this.pushMeta = new PushMetadata(path.join(deps.dataRoot, 'distribution', 'push-metadata.json'));
  }

  /**
   * A daemon.json reload (SIGHUP): registries and concurrency as dockerd reloads them. Transfers
   * under way keep the limits they started with; the next ones take the new.
   */
  reconfigure(config: Partial<RegistryConfig>): void {
    const next = { ...this.config, ...config };
    if (next.maxConcurrentDownloads !== this.config.maxConcurrentDownloads) this.downloads = new Limiter(Math.max(next.maxConcurrentDownloads, 1));
    if (next.maxConcurrentUploads !== this.config.maxConcurrentUploads) this.uploads = new Limiter(Math.max(next.maxConcurrentUploads, 1));
    this.config = next;
    this.working.clear();
  }

  /** Wiring: where pull/push events go (the events area). */
  setEventSink(sink: ImageEventSink): void {
    this.events = sink;
  }

  /** The builder's FROM (and anything else that needs an image by name). */
  readonly pullImage: ImagePuller = async (refText, options = {}) => {
    const ref = parseNormalizedNamed(refText).withDefaultTag();
    const platform = options.platform ? parsePlatform(options.platform) : undefined;
    const res = await this.pullOne(ref, options.auth ?? {}, platform, options.signal, options.onProgress ?? (() => undefined));
    return res;
  };

  private async endpoints(indexName: string): Promise<Endpoint[]> {
    const all = await endpointsFor(indexName, this.config);
    const last = this.working.get(indexName);
    return last ? [...all.filter((e) => e.base.href === last), ...all.filter((e) => e.base.href !== last)] : all;
  }

  /** Runs `fn` against each endpoint until one answers; transport failures and mirror errors move on. */
  private async withEndpoints<T>(indexName: string, auth: AuthConfig, fn: (session: RegistrySession, ep: Endpoint) => Promise<T>): Promise<T> {
    let lastError: unknown;
    for (const ep of await this.endpoints(indexName)) {
      const session = new RegistrySession(ep, auth, this.tokens);
      try {
        const r = await fn(session, ep);
        this.working.set(indexName, ep.base.href);
        return r;
      } catch (err) {
        lastError = err;
        if (isTransportError(err) || (ep.mirror && !(err instanceof InvalidParameterError))) {
          this.deps.log?.(`registry endpoint ${ep.base.href} failed: ${(err as Error).message}`);
          continue;
        }
        throw err;
      }
    }
    if (isTransportError(lastError)) {
      // dockerd's text for the last endpoint it tried, Go's dial error included (a 500)
      const e = lastError as NodeJS.ErrnoException;
      const base = (await endpointsFor(indexName, this.config)).at(-1)!.base;
      const reason = e.code === 'ECONNREFUSED' ? `dial tcp ${base.host}: connect: connection refused`
        : e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN' ? `dial tcp: lookup ${base.hostname}: no such host`
          : e.message;
      throw new SystemError(goUrlError('GET', new URL('/v2/', base), reason), { cause: e });
    }
    throw lastError;
  }

  private async pullOne(ref: Reference, auth: AuthConfig, platform: WantedPlatform | undefined, signal: AbortSignal | undefined, out: ProgressSink): Promise<ImageRecord> {
    const result = await this.withEndpoints(ref.domain, auth, async (session) => {
      const repo = new Repository(session, ref.path);
      return pullImage(this.deps.store, repo, ref, { downloads: this.downloads, onProgress: out, ...(platform ? { platform } : {}), ...(signal ? { signal } : {}) });
    }).catch(async (err: unknown) => {
      await this.deps.collectGarbage?.().catch((e: unknown) => this.deps.log?.(`gc after a failed pull: ${(e as Error).message}`));
      throw translatePullError(err, ref);
    });
    // a later push to another repository of this registry can mount these blobs
    for (const l of result.image.layers) if (l.blobDigest !== l.diffId) this.pushMeta.record(l.blobDigest, ref.name());
    out({ status: `Status: ${result.updated ? 'Downloaded newer image' : 'Image is up to date'} for ${ref.familiarString()}` });
    this.events.imageEvent('pull', ref.familiarString(), { name: ref.familiarName() });
    return result.image;
  }

  async imagePull(options: PullRequestOptions): Promise<void> {
    let named = parseNormalizedNamed(options.fromImage);
    if (options.tag) {
      if (options.tag.includes(':')) {
        validateDigest(options.tag);
        named = new Reference(named.domain, named.path, undefined, options.tag);
      } else {
        named = named.withoutTag().withTag(options.tag);
      }
    }
    const platform = options.platform ? parsePlatform(options.platform) : undefined;
    const auth = decodeAuthHeader(options.authHeader);
    if (named.tag !== undefined || named.digest !== undefined) {
      await this.pullOne(named, auth, platform, options.signal, options.onProgress);
      return;
    }
    // a name alone: every tag of the repository (docker pull --all-tags)
    const tags = await this.withEndpoints(named.domain, auth, (session) => new Repository(session, named.path).tags(options.signal))
      .catch((err: unknown) => { throw translatePullError(err, named); });
    if (tags.length === 0) throw new NotFoundError(`no tags available for ${named.familiarName()}`);
    for (const tag of tags) {
      const ref = named.withTag(tag);
      const updates: string[] = [];
      await this.pullOne(ref, auth, platform, options.signal, (m) => {
        if (m.status?.startsWith('Status: ')) { updates.push(m.status); return; }
        options.onProgress(m);
      });
    }
    options.onProgress({ status: `Status: Downloaded newer image for ${named.familiarName()}` });
  }

  async imagePush(options: PushRequestOptions): Promise<void> {
    let named = parseNormalizedNamed(options.name);
    if (options.tag) named = named.withoutTag().withTag(options.tag);
    const store = this.deps.store;
    const targets: Array<{ ref: Reference; image: ImageRecord }> = [];
    if (named.tag !== undefined) {
      const id = store.lookupRef(named.toString());
      const image = id ? store.get(id) : undefined;
      if (!image) throw new NotFoundError(`An image does not exist locally with the tag: ${named.familiarName()}`);
      targets.push({ ref: named, image });
    } else {
      for (const img of store.list()) {
        for (const t of img.repoTags) {
          const r = parseNormalizedNamed(t);
          if (r.name() === named.name()) targets.push({ ref: r, image: img });
        }
      }
      targets.sort((a, b) => (a.ref.tag ?? '').localeCompare(b.ref.tag ?? ''));
      if (targets.length === 0) throw new NotFoundError(`An image does not exist locally with the tag: ${named.familiarName()}`);
    }
    const auth = decodeAuthHeader(options.authHeader);
    const out = options.onProgress;
    out({ status: `The push refers to repository [${named.name()}]` });
    await this.withEndpoints(named.domain, auth, async (session, ep) => {
      if (ep.mirror) throw new UnavailableError('mirrors are not pushed to');
      const repo = new Repository(session, named.path, true);
      for (const { ref, image } of targets) {
        const { digest, size } = await pushTag(store, repo, ref, image, this.pushMeta, {
          uploads: this.uploads, onProgress: out, signal: options.signal,
        });
        out({ status: `${ref.tag ?? 'latest'}: digest: ${digest} size: ${size}` });
        out({ progressDetail: {}, aux: { Tag: ref.tag ?? 'latest', Digest: digest, Size: size } });
        store.addRepoDigest(image.id, `${ref.name()}@${digest}`);
        this.events.imageEvent('push', ref.familiarString(), { name: ref.familiarName() });
      }
    }).catch((err: unknown) => {
      // as for pulls: never a 401 (the CLI would prompt and retry)
      if (err instanceof RegistryError || err instanceof UnauthorizedError) throw new SystemError(err.message, { cause: err });
      throw err;
    });
  }

  async login(body: unknown, signal: AbortSignal): Promise<LoginResult> {
    const auth = authFromBody(body);
    const indexName = indexNameOf(auth.serveraddress);
    return this.withEndpoints(indexName, auth, async (session, ep) => {
      const ping = await session.ping(signal);
      if (ping.status === 200) return { IdentityToken: '', Status: 'Login Succeeded' };
      const failed = (status: number, text: string): UnauthorizedError =>
        new UnauthorizedError(`login attempt to ${ep.base.href.replace(/\/+$/, '')}/v2/ failed with status: ${status} ${text}`);
      if (ping.status !== 401) throw failed(ping.status, ping.statusText);
      if (session.authScheme === 'bearer') {
        const token = await session.fetchToken([], signal);
        return { IdentityToken: token.refreshToken ?? '', Status: 'Login Succeeded' };
      }
      const authz = await session.authorization([], signal);
      const res = await request(session.url('/v2/'), { method: 'GET', tls: ep.tls, signal, ...(authz ? { headers: { Authorization: authz } } : {}) });
      await readBody(res).catch(() => undefined);
      if (res.status === 200) return { IdentityToken: '', Status: 'Login Succeeded' };
      throw failed(res.status, res.status === 401 ? 'Unauthorized' : res.statusText);
    });
  }

  async distributionInspect(name: string, authHeader: string | undefined, signal: AbortSignal): Promise<Record<string, unknown>> {
    const ref = parseNormalizedNamed(name).withDefaultTag();
    const auth = decodeAuthHeader(authHeader);
    return this.withEndpoints(ref.domain, auth, async (session) => {
      const repo = new Repository(session, ref.path);
      const top = await repo.getManifest(ref.digest ?? ref.tag ?? 'latest', signal);
      const parsed = parseManifest(top.bytes, top.mediaType);
      let platforms: Array<Record<string, unknown>>;
      if (parsed.kind === 'index') {
        platforms = parsed.index.manifests.filter((d) => d.platform).map((d) => ({ ...d.platform }));
      } else {
        const resolved = await resolveManifest(repo, ref, undefined, signal);
        const res = await repo.getBlob(resolved.manifest.config.digest, signal);
        const cfg = JSON.parse((await readBody(res)).toString()) as Record<string, unknown>;
        const p: Record<string, unknown> = { architecture: cfg.architecture ?? '', os: cfg.os ?? '' };
        if (cfg['os.version']) p['os.version'] = cfg['os.version'];
        if (cfg.variant) p.variant = cfg.variant;
        platforms = [p];
      }
      return { Descriptor: { mediaType: top.mediaType, digest: top.digest, size: top.bytes.length }, Platforms: platforms };
    }).catch((err: unknown) => { throw translatePullError(err, ref); });
  }

  async imageSearch(term: string, options: { limit: number; filters: Record<string, string[]>; authHeader?: string; signal: AbortSignal }): Promise<SearchResult[]> {
    // the index is the first component when it looks like a host (dockerd's ParseSearchIndexInfo)
    const slash = term.indexOf('/');
    const first = slash > 0 ? term.slice(0, slash) : '';
    const indexName = first && (/[.:]/.test(first) || first === 'localhost') ? first : 'docker.io';
    const query = indexName === 'docker.io' ? term : term.slice(slash + 1);
    const auth = decodeAuthHeader(options.authHeader);
    const results = await this.withEndpoints(indexName, auth, async (session) => {
      const v1 = new URL(`/v1/search?q=${encodeURIComponent(query)}&n=${options.limit}`, session.endpoint.base);
      const res = await request(v1, { method: 'GET', tls: session.endpoint.tls, signal: options.signal });
      const body = await readBody(res);
      if (res.status === 200) return ((JSON.parse(body.toString()) as { results?: SearchResult[] }).results ?? []);
      if (indexName === 'docker.io') throw new UnavailableError(`Unexpected status code ${res.status}`);
      // a v2 registry has no search: match the catalog's names instead
      const names = await catalog(session, options.signal);
      return names.filter((n) => n.includes(query)).map((n): SearchResult => ({
        star_count: 0, is_official: false, name: `${indexName}/${n}`, is_automated: false, description: '',
      }));
    });
    return filterSearch(results, options.filters).slice(0, options.limit);
  }
}

function filterSearch(results: SearchResult[], filters: Record<string, string[]>): SearchResult[] {
  let out = results;
  const bool = (key: string): boolean | undefined => {
    const v = filters[key]?.[0];
    if (v === undefined) return undefined;
    if (v !== 'true' && v !== 'false') throw new InvalidParameterError(`invalid filter '${key}=${v}'`);
    return v === 'true';
  };
  const official = bool('is-official');
  if (official !== undefined) out = out.filter((r) => r.is_official === official);
  const automated = bool('is-automated');
  if (automated !== undefined) out = out.filter((r) => r.is_automated === automated);
  const stars = filters.stars?.[0];
  if (stars !== undefined) {
    const n = Number(stars);
    if (!Number.isInteger(n)) throw new InvalidParameterError(`invalid filter 'stars=${stars}'`);
    out = out.filter((r) => r.star_count >= n);
  }
  return out;
}
