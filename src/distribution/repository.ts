// One repository of a registry through the distribution API (OCI distribution spec): manifests,
// blobs, uploads (monolithic, or mounted from another repository), tags and the catalog.
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { UnauthorizedError } from '../errdefs/errors.js';
import { MEDIA_TYPES } from '../image/types.js';
import { goUrlError, readBody, type Response } from './http-transport.js';
import { parseRegistryErrors } from './registry-errors.js';
import type { RegistrySession } from './registry-session.js';

export const MANIFEST_ACCEPT = [
  MEDIA_TYPES.dockerManifest, MEDIA_TYPES.dockerManifestList, MEDIA_TYPES.ociManifest, MEDIA_TYPES.ociIndex,
].join(', ');

export interface FetchedManifest {
  bytes: Buffer;
  mediaType: string;
  digest: string;
}

export const sha256Of = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export class Repository {
  constructor(readonly session: RegistrySession, readonly name: string, private readonly push = false) {}

  private get scopes(): string[] {
    return [`repository:${this.name}:${this.push ? 'pull,push' : 'pull'}`];
  }

  private async fail(method: string, res: Response): Promise<never> {
    const body = (await readBody(res).catch(() => Buffer.alloc(0))).toString();
    if (res.status === 401 && this.session.missingBasicCredentials()) {
      throw new UnauthorizedError(goUrlError(method, res.url, 'no basic auth credentials'));
    }
    throw parseRegistryErrors(res.status, res.statusText, body);
  }

  async getManifest(reference: string, signal?: AbortSignal): Promise<FetchedManifest> {
    const res = await this.session.send(`/v2/${this.name}/manifests/${reference}`, {
      method: 'GET', headers: { Accept: MANIFEST_ACCEPT }, ...(signal ? { signal } : {}),
    }, this.scopes);
    if (res.status !== 200) return this.fail('GET', res);
    const bytes = await readBody(res);
    let mediaType = String(res.headers['content-type'] ?? '').split(';')[0]!.trim();
    try {
      const declared = (JSON.parse(bytes.toString()) as { mediaType?: unknown }).mediaType;
      if (typeof declared === 'string' && declared) mediaType = declared;
    } catch { /* checked by the caller */ }
    return { bytes, mediaType, digest: sha256Of(bytes) };
  }

  /** HEAD of a manifest: its digest and media type without the body. */
  async headManifest(reference: string, signal?: AbortSignal): Promise<{ digest: string; mediaType: string; size: number } | undefined> {
    const res = await this.session.send(`/v2/${this.name}/manifests/${reference}`, {
      method: 'HEAD', headers: { Accept: MANIFEST_ACCEPT }, ...(signal ? { signal } : {}),
    }, this.scopes);
    res.body.resume();
    if (res.status === 404) return undefined;
    if (res.status !== 200) return this.fail('HEAD', res);
    return {
      digest: String(res.headers['docker-content-digest'] ?? ''),
      mediaType: String(res.headers['content-type'] ?? ''),
      size: Number(res.headers['content-length'] ?? 0),
    };
  }

  async getBlob(digest: string, signal?: AbortSignal): Promise<Response> {
    const res = await this.session.send(`/v2/${this.name}/blobs/${digest}`, { method: 'GET', followRedirects: true, ...(signal ? { signal } : {}) }, this.scopes);
    if (res.status !== 200) return this.fail('GET', res);
    return res;
  }

  async blobExists(digest: string, signal?: AbortSignal): Promise<boolean> {
    const res = await this.session.send(`/v2/${this.name}/blobs/${digest}`, { method: 'HEAD', followRedirects: true, ...(signal ? { signal } : {}) }, this.scopes);
    res.body.resume();
    if (res.status === 200) return true;
    if (res.status === 404) return false;
    return this.fail('HEAD', res);
  }

  /**
   * Starts an upload; with `mountFrom` asks for a cross-repository mount first. Returns undefined
   * when the blob got mounted, else the upload location.
   */
  async startUpload(options: { mount?: { digest: string; from: string }; signal?: AbortSignal } = {}): Promise<URL | undefined> {
    let path = `/v2/${this.name}/blobs/uploads/`;
    const scopes = [...this.scopes];
    if (options.mount) {
      path += `?mount=${encodeURIComponent(options.mount.digest)}&from=${encodeURIComponent(options.mount.from)}`;
      scopes.push(`repository:${options.mount.from}:pull`);
    }
    const res = await this.session.send(path, { method: 'POST', body: Buffer.alloc(0), ...(options.signal ? { signal: options.signal } : {}) }, scopes);
    res.body.resume();
    if (res.status === 201 && options.mount) return undefined;
    if (res.status !== 202) return this.fail('POST', res);
    const location = res.headers.location;
    if (!location) throw new Error('registry answered an upload without a Location');
    return new URL(location, this.session.endpoint.base);
  }

  /** Streams a chunk of unknown length into an upload (chunked encoding); returns the next location. */
  async patchUpload(location: URL, body: () => Readable, signal?: AbortSignal): Promise<URL> {
    const res = await this.session.send(location, {
      method: 'PATCH', body, headers: { 'Content-Type': 'application/octet-stream' }, ...(signal ? { signal } : {}),
    }, this.scopes);
    if (res.status !== 202) return this.fail('PATCH', res);
    res.body.resume();
    const next = res.headers.location;
    return next ? new URL(next, this.session.endpoint.base) : location;
  }

  /** Completes an upload: with `body`, the whole blob in this PUT (monolithic); without, after PATCHes. */
  async finishUpload(location: URL, digest: string, size: number, body?: () => Readable, signal?: AbortSignal): Promise<void> {
    const url = new URL(location);
    url.searchParams.set('digest', digest);
    const res = await this.session.send(url, {
      method: 'PUT', body: body ?? Buffer.alloc(0), headers: { 'Content-Type': 'application/octet-stream', ...(body ? { 'Content-Length': String(size) } : {}) }, ...(signal ? { signal } : {}),
    }, this.scopes);
    if (res.status !== 201 && res.status !== 204) return this.fail('PUT', res);
    res.body.resume();
  }

  async putManifest(reference: string, mediaType: string, bytes: Buffer, signal?: AbortSignal): Promise<string> {
    const res = await this.session.send(`/v2/${this.name}/manifests/${reference}`, {
      method: 'PUT', body: bytes, headers: { 'Content-Type': mediaType }, ...(signal ? { signal } : {}),
    }, this.scopes);
    if (res.status !== 201 && res.status !== 200) return this.fail('PUT', res);
    res.body.resume();
    return String(res.headers['docker-content-digest'] ?? sha256Of(bytes));
  }

  async tags(signal?: AbortSignal): Promise<string[]> {
    const res = await this.session.send(`/v2/${this.name}/tags/list`, { method: 'GET', ...(signal ? { signal } : {}) }, this.scopes);
    if (res.status !== 200) return this.fail('GET', res);
    const parsed = JSON.parse((await readBody(res)).toString()) as { tags?: string[] | null };
    return parsed.tags ?? [];
  }
}

/** GET /v2/_catalog (registry-wide scope). */
export async function catalog(session: RegistrySession, signal?: AbortSignal): Promise<string[]> {
  const res = await session.send('/v2/_catalog?n=1000', { method: 'GET', ...(signal ? { signal } : {}) }, ['registry:catalog:*']);
  const body = await readBody(res);
  if (res.status !== 200) throw parseRegistryErrors(res.status, res.statusText, body.toString());
  return (JSON.parse(body.toString()) as { repositories?: string[] | null }).repositories ?? [];
}
