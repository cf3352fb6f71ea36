// In-memory stand-ins for containerd's content store, snapshotter and differ, and tar builders, for
// the image package's unit tests (no containerd needed). Not used by production code.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import tar from 'tar-stream';
import { ConflictError, InvalidParameterError, NotFoundError } from '../errdefs/errors.js';
import type { ContentInfo, ContentStore, Descriptor, Differ, Mount, SnapshotInfo, Snapshotter } from '../runtime/runtime.js';

export const sha256 = (b: Buffer | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export class FakeContentStore implements ContentStore {
  readonly blobs = new Map<string, { data: Buffer; labels: Record<string, string> }>();
  readonly writes: string[] = [];

  async info(digest: string): Promise<ContentInfo | undefined> {
    const b = this.blobs.get(digest);
    return b && { digest, size: b.data.length, labels: b.labels };
  }

  async write(ref: string, data: AsyncIterable<Buffer> | Buffer, options: { expectedDigest: string; size: number; labels?: Record<string, string> }): Promise<void> {
    const chunks: Buffer[] = [];
    if (Buffer.isBuffer(data)) chunks.push(data);
    else for await (const c of data) chunks.push(c);
    const buf = Buffer.concat(chunks);
    if (sha256(buf) !== options.expectedDigest) throw new InvalidParameterError(`unexpected commit digest ${sha256(buf)}, expected ${options.expectedDigest}`);
    if (buf.length !== options.size) throw new InvalidParameterError(`unexpected commit size ${buf.length}, expected ${options.size}`);
    this.writes.push(ref);
    if (!this.blobs.has(options.expectedDigest)) this.blobs.set(options.expectedDigest, { data: buf, labels: options.labels ?? {} });
  }

  async *read(digest: string): AsyncIterable<Buffer> {
    const b = this.blobs.get(digest);
    if (!b) throw new NotFoundError(`content digest ${digest}: not found`);
    yield b.data;
  }

  async delete(digest: string): Promise<void> {
    this.blobs.delete(digest);
  }
}

export class FakeSnapshotter implements Snapshotter {
  readonly snapshots = new Map<string, SnapshotInfo>();
  readonly calls: string[] = [];

  async prepare(key: string, parent: string | undefined): Promise<Mount[]> {
    this.calls.push(`prepare ${key} ${parent ?? ''}`);
    if (this.snapshots.has(key)) throw new ConflictError(`snapshot ${key}: already exists`);
    if (parent !== undefined && this.snapshots.get(parent)?.kind !== 'committed') throw new NotFoundError(`parent ${parent} not found`);
    this.snapshots.set(key, { name: key, parent: parent ?? '', kind: 'active', labels: {} });
    return [{ type: 'bind', source: `/fake/${key}`, options: ['rw'] }];
  }

  async view(key: string, parent: string): Promise<Mount[]> {
    this.snapshots.set(key, { name: key, parent, kind: 'view', labels: {} });
    return [];
  }

  async mounts(key: string): Promise<Mount[]> {
    if (!this.snapshots.has(key)) throw new NotFoundError(`snapshot ${key} not found`);
    return [{ type: 'bind', source: `/fake/${key}`, options: ['rw'] }];
  }

  async commit(name: string, key: string): Promise<void> {
    this.calls.push(`commit ${name}`);
    const s = this.snapshots.get(key);
    if (!s || s.kind !== 'active') throw new NotFoundError(`snapshot ${key} not found`);
    if (this.snapshots.has(name)) throw new ConflictError(`snapshot ${name}: already exists`);
    this.snapshots.delete(key);
    this.snapshots.set(name, { ...s, name, kind: 'committed' });
  }

  async remove(key: string): Promise<void> {
    this.calls.push(`remove ${key}`);
    this.snapshots.delete(key);
  }

  async stat(key: string): Promise<SnapshotInfo | undefined> {
    return this.snapshots.get(key);
  }

  async list(): Promise<SnapshotInfo[]> {
    return [...this.snapshots.values()];
  }

  async usage(key: string): Promise<{ size: number; inodes: number }> {
    if (!this.snapshots.has(key)) throw new NotFoundError(`snapshot ${key} not found`);
    return { size: 4096, inodes: 1 };
  }
}

/** Records applies; returns the diff ID it computes from the blob in the content store. */
export class FakeDiffer implements Differ {
  readonly applied: Array<{ layer: Descriptor; mounts: Mount[] }> = [];
  failNext: Error | undefined;

  constructor(private readonly content: FakeContentStore) {}

  async apply(layer: Descriptor, mounts: Mount[]): Promise<Descriptor> {
    if (this.failNext) {
      const err = this.failNext;
      this.failNext = undefined;
      throw err;
    }
    const blob = this.content.blobs.get(layer.digest);
    if (!blob) throw new NotFoundError(`blob ${layer.digest} not in content store`);
    this.applied.push({ layer, mounts });
    const raw = layer.mediaType.includes('gzip') ? zlib.gunzipSync(blob.data) : blob.data;
    return { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256(raw), size: raw.length };
  }

  async diff(): Promise<Descriptor> {
    throw new Error('not implemented in the fake');
  }
}

export function fakeDeps(): { content: FakeContentStore; snapshots: FakeSnapshotter; differ: FakeDiffer } {
  const content = new FakeContentStore();
  return { content, snapshots: new FakeSnapshotter(), differ: new FakeDiffer(content) };
}

export type TarEntrySpec =
  | { name: string; data: Buffer | string }
  | { name: string; type: 'directory' }
  | { name: string; type: 'symlink' | 'link'; linkname: string };

/** Builds a tar in memory with tar-stream's pack(). */
export async function buildTar(entries: TarEntrySpec[]): Promise<Buffer> {
  const pack = tar.pack();
  const out: Buffer[] = [];
  const done = (async () => {
    for await (const chunk of pack) out.push(chunk as Buffer);
  })();
  for (const e of entries) {
    if ('data' in e) {
      const data = typeof e.data === 'string' ? Buffer.from(e.data) : e.data;
      await new Promise<void>((resolve, reject) => pack.entry({ name: e.name, size: data.length }, data, (err) => (err ? reject(err) : resolve())));
    } else if (e.type === 'directory') {
      await new Promise<void>((resolve, reject) => pack.entry({ name: e.name, type: 'directory' }, (err) => (err ? reject(err) : resolve())));
    } else {
      await new Promise<void>((resolve, reject) =>
        pack.entry({ name: e.name, type: e.type, linkname: e.linkname }, (err) => (err ? reject(err) : resolve())),
      );
    }
  }
  pack.finalize();
  await done;
  return Buffer.concat(out);
}

/** A readable that delivers `buf` in chunks of `size` bytes, to exercise boundary handling. */
export function chunked(buf: Buffer, size = 1000): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) parts.push(buf.subarray(i, i + size));
  return Readable.from(parts);
}

/** A small layer tar holding one file. */
export function layerTar(fileName: string, content: string): Promise<Buffer> {
  return buildTar([{ name: fileName, data: content }]);
}

export function imageConfig(diffIds: string[], extra: Record<string, unknown> = {}): Buffer {
  return Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      created: '2023-05-19T20:19:32.516454147Z',
      config: { Env: ['PATH=/bin'], Cmd: ['sh'] },
      rootfs: { type: 'layers', diff_ids: diffIds },
      history: [],
      ...extra,
    }),
  );
}

export interface DockerSaveImage {
  layers: Buffer[];
  repoTags: string[] | null;
  config?: Buffer;
  /** write manifest.json before the layers (docker save writes it last) */
  manifestFirst?: boolean;
}

/** A `docker save`-style archive (legacy layout: <id>/layer.tar, <hex>.json, manifest.json). */
export async function dockerSaveArchive(images: DockerSaveImage[]): Promise<{ tar: Buffer; ids: string[] }> {
  const entries: TarEntrySpec[] = [];
  const manifest: Array<{ Config: string; RepoTags: string[] | null; Layers: string[] }> = [];
  const ids: string[] = [];
  for (const img of images) {
    const diffIds = img.layers.map((l) => sha256(l[0] === 0x1f ? zlib.gunzipSync(l) : l));
    const config = img.config ?? imageConfig(diffIds);
    const id = sha256(config);
    ids.push(id);
    const hex = id.slice(7);
    const layerPaths: string[] = [];
    img.layers.forEach((l, i) => {
      const dir = sha256(`${hex}-${i}`).slice(7);
      entries.push({ name: `${dir}/`, type: 'directory' }, { name: `${dir}/VERSION`, data: '1.0' }, { name: `${dir}/layer.tar`, data: l });
      layerPaths.push(`${dir}/layer.tar`);
    });
    entries.push({ name: `${hex}.json`, data: config });
    manifest.push({ Config: `${hex}.json`, RepoTags: img.repoTags, Layers: layerPaths });
  }
  const manifestEntry: TarEntrySpec = { name: 'manifest.json', data: JSON.stringify(manifest) };
  const first = images.some((i) => i.manifestFirst);
  return { tar: await buildTar(first ? [manifestEntry, ...entries] : [...entries, manifestEntry]), ids };
}
