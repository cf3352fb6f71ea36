// The local image store's Docker metadata (DESIGN.md decision 3). Blobs live in containerd's content
// store and layers in snapshots named by chain ID; what only Docker knows — which config is an image,
// which names point at it, when it was tagged — lives here, under <dataRoot>/image/:
//   images/<hex>.json   one record per image, keyed by image ID (config digest)
//   repositories.json   canonical reference → image ID (tags and digest references)
// Files are written atomically; the repositories file is the only source of truth for names, so a
// crash between the two writes can leave an untagged image but never a name pointing nowhere.
import fs from 'node:fs';
import path from 'node:path';
import { writeJsonAtomicSync } from '../internal/atomic-write.js';
import { InvalidParameterError, NotFoundError } from '../errdefs/errors.js';
import type { ContentStore, Differ, Snapshotter } from '../runtime/runtime.js';
import { inspectImage, summarizeImage, type ImageInspect, type ImageSummary } from './image-shape.js';
import { isFullHexId, isSha256Digest, parseDockerRef, parseNormalizedNamed, type Reference } from './reference.js';
import type { ImageRecord, NewImage } from './types.js';

export interface ImageStoreDeps {
  content: ContentStore;
  snapshots: Snapshotter;
  differ: Differ;
}

const RECORD_VERSION = 1;

/** On-disk form of a record: names are not duplicated here (see the file comment). */
type StoredImage = Omit<ImageRecord, 'repoTags' | 'repoDigests'>;

interface StoredRecordFile extends StoredImage {
  version: number;
}

interface RepositoriesFile {
  version: number;
  refs: Record<string, string>;
}

export class ImageStore {
  private readonly images = new Map<string, StoredImage>();
  /** canonical reference → image ID */
  private readonly refs = new Map<string, string>();

  private constructor(
    readonly dataRoot: string,
    readonly content: ContentStore,
    readonly snapshots: Snapshotter,
    readonly differ: Differ,
  ) {}

  static async open(dataRoot: string, deps: ImageStoreDeps): Promise<ImageStore> {
    const store = new ImageStore(dataRoot, deps.content, deps.snapshots, deps.differ);
    await fs.promises.mkdir(store.imagesDir, { recursive: true, mode: 0o700 });
    await store.readAll();
    return store;
  }

  private get rootDir(): string {
    return path.join(this.dataRoot, 'image');
  }
  private get imagesDir(): string {
    return path.join(this.rootDir, 'images');
  }
  private get repositoriesFile(): string {
    return path.join(this.rootDir, 'repositories.json');
  }
  private recordFile(id: string): string {
    return path.join(this.imagesDir, `${id.slice('sha256:'.length)}.json`);
  }

  private async readAll(): Promise<void> {
    for (const name of await fs.promises.readdir(this.imagesDir)) {
      // Leftover temp files of an interrupted atomic write start with "."; skip them.
      if (name.startsWith('.') || !name.endsWith('.json')) continue;
      let parsed: StoredRecordFile;
      try {
        parsed = JSON.parse(await fs.promises.readFile(path.join(this.imagesDir, name), 'utf8')) as StoredRecordFile;
      } catch {
        continue; // unreadable record: the image is invisible rather than fatal to startup
      }
      if (parsed.version !== RECORD_VERSION || parsed.id !== `sha256:${name.slice(0, -'.json'.length)}`) continue;
      const { version: _version, ...image } = parsed;
      this.images.set(image.id, image);
    }
    let repos: RepositoriesFile | undefined;
    try {
      repos = JSON.parse(await fs.promises.readFile(this.repositoriesFile, 'utf8')) as RepositoriesFile;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    for (const [ref, id] of Object.entries(repos?.refs ?? {})) {
      if (this.images.has(id)) this.refs.set(ref, id);
    }
  }

  private writeRecord(image: StoredImage): void {
    const file: StoredRecordFile = { version: RECORD_VERSION, ...image };
    writeJsonAtomicSync(this.recordFile(image.id), file);
  }

  private writeRepositories(): void {
    const refs: Record<string, string> = {};
    for (const key of [...this.refs.keys()].sort()) refs[key] = this.refs.get(key) as string;
    const file: RepositoriesFile = { version: RECORD_VERSION, refs };
    writeJsonAtomicSync(this.repositoriesFile, file);
  }

  private toRecord(image: StoredImage): ImageRecord {
    const repoTags: string[] = [];
    const repoDigests: string[] = [];
    for (const [ref, id] of this.refs) {
      if (id !== image.id) continue;
      (ref.includes('@') ? repoDigests : repoTags).push(ref);
    }
    return { ...image, repoTags: repoTags.sort(), repoDigests: repoDigests.sort() };
  }

  /** All images, newest first (dockerd's order for `GET /images/json`). */
  list(): ImageRecord[] {
    return [...this.images.values()]
      .map((img) => this.toRecord(img))
      .sort((a, b) => (Date.parse(b.created) || 0) - (Date.parse(a.created) || 0) || a.id.localeCompare(b.id));
  }

  /** By full image ID ("sha256:<hex>"). */
  get(id: string): ImageRecord | undefined {
    const image = this.images.get(id);
    return image && this.toRecord(image);
  }

  /** Image ID a canonical or familiar reference points at (default tag latest), if any. */
  lookupRef(ref: string): string | undefined {
    return this.refs.get(parseDockerRef(ref).toString());
  }

  /**
   * dockerd's GetImage: a 64-hex ID or "sha256:<hex>" digest; else a name (normalized, default tag
   * latest) looked up in the repositories; else a unique ID prefix ("3f57", "sha256:3f57").
   * Invalid names → InvalidParameterError; nothing found (or an ambiguous prefix) → NotFoundError.
   */
  resolve(refOrId: string): ImageRecord {
    if (isFullHexId(refOrId) || isSha256Digest(refOrId)) {
      const id = refOrId.startsWith('sha256:') ? refOrId : `sha256:${refOrId}`;
      const found = this.get(id);
      if (found) return found;
      throw new NotFoundError(`No such image: ${id}`);
    }
    const named = parseNormalizedNamed(refOrId);
    const tagged = named.withDefaultTag();
    const id = this.refs.get(tagged.toString());
    if (id !== undefined) {
      const found = this.get(id);
      if (found) return found;
    }
    const byPrefix = this.searchIdPrefix(refOrId);
    if (byPrefix) return byPrefix;
    throw new NotFoundError(`No such image: ${tagged.familiarString()}`);
  }

  /** Unique match of a hex ID prefix, optionally "sha256:"-prefixed (dockerd's digestset.Lookup). */
  private searchIdPrefix(term: string): ImageRecord | undefined {
    const hex = term.startsWith('sha256:') ? term.slice('sha256:'.length) : term;
    if (!/^[a-f0-9]+$/.test(hex)) return undefined;
    let match: StoredImage | undefined;
    for (const [id, image] of this.images) {
      if (!id.startsWith(`sha256:${hex}`)) continue;
      if (match) return undefined; // ambiguous
      match = image;
    }
    return match && this.toRecord(match);
  }

  /** Adds an image (or refreshes an existing one's layer data, keeping its times). */
  put(image: NewImage): ImageRecord {
    if (!isSha256Digest(image.id)) throw new InvalidParameterError(`invalid image ID: ${image.id}`);
    const existing = this.images.get(image.id);
    const stored: StoredImage = {
      id: image.id,
      config: image.config,
      configMediaType: image.configMediaType,
      configSize: image.configSize,
      layers: image.layers,
      created: image.config.created ?? '',
      addedAt: existing?.addedAt ?? new Date().toISOString(),
      lastTagTime: existing?.lastTagTime ?? null,
    };
    const parent = image.parent ?? existing?.parent;
    if (parent) stored.parent = parent;
    this.writeRecord(stored);
    this.images.set(stored.id, stored);
    return this.toRecord(stored);
  }

  /**
   * Points a tag at image `id`; a tag held by another image moves (that image stays, maybe
   * untagged). Returns the image ID the tag pointed at before, if it was another image.
   * `updateLastTagTime` is false for `docker load`, which in dockerd does not touch LastTagTime.
   */
  tag(id: string, ref: string, options: { updateLastTagTime?: boolean } = {}): string | undefined {
    const image = this.images.get(id);
    if (!image) throw new NotFoundError(`No such image: ${id}`);
    const named = parseNormalizedNamed(ref);
    if (named.digest !== undefined) throw new InvalidParameterError('refusing to create a tag with a digest reference');
    const key = named.withDefaultTag().toString();
    const previous = this.refs.get(key);
    if (options.updateLastTagTime ?? true) {
      image.lastTagTime = new Date().toISOString();
      this.writeRecord(image);
    }
    if (previous === id) return undefined;
    this.refs.set(key, id);
    this.writeRepositories();
    return previous;
  }

  /** Records a digest reference ("name@sha256:…") for image `id` (e.g. after a pull). */
  addRepoDigest(id: string, ref: string): void {
    if (!this.images.has(id)) throw new NotFoundError(`No such image: ${id}`);
    const named: Reference = parseNormalizedNamed(ref);
    if (named.digest === undefined) throw new InvalidParameterError(`not a digest reference: ${ref}`);
    const key = named.withoutTag().toString();
    if (this.refs.get(key) === id) return;
    this.refs.set(key, id);
    this.writeRepositories();
  }

  /** Removes one name (tag, default latest, or digest reference); returns the image ID it named. */
  untag(ref: string): string {
    const named = parseNormalizedNamed(ref);
    const key = named.digest !== undefined ? named.withoutTag().toString() : named.withDefaultTag().toString();
    const id = this.refs.get(key);
    if (id === undefined) throw new NotFoundError(`No such image: ${parseDockerRef(ref).familiarString()}`);
    this.refs.delete(key);
    this.writeRepositories();
    return id;
  }

  /**
   * Forgets image `id` and every name pointing at it. Metadata only: the caller decides what to do
   * with its snapshots and blobs (other images may share them).
   */
  delete(id: string): void {
    if (!this.images.has(id)) throw new NotFoundError(`No such image: ${id}`);
    let renamed = false;
    for (const [ref, target] of this.refs) {
      if (target === id) {
        this.refs.delete(ref);
        renamed = true;
      }
    }
    // Names first: a crash in between leaves an untagged record, never a dangling name.
    if (renamed) this.writeRepositories();
    fs.rmSync(this.recordFile(id), { force: true });
    this.images.delete(id);
  }

  /** Deletes a blob from the content store unless an image holds it (as its config or a layer). */
  async releaseBlob(digest: string): Promise<void> {
    for (const img of this.images.values()) {
      if (img.id === digest || img.layers.some((l) => l.blobDigest === digest)) return;
    }
    await this.content.delete(digest).catch(() => undefined);
  }

  /** Images whose parent is `id` (dockerd's imageStore.Children). */
  children(id: string): ImageRecord[] {
    return [...this.images.values()].filter((img) => img.parent === id).map((img) => this.toRecord(img));
  }

  /** Snapshot (chain ID) a container's rootfs is prepared from; undefined for an image without layers. */
  topChainId(record: ImageRecord): string | undefined {
    return record.layers[record.layers.length - 1]?.chainId;
  }

  inspect(record: ImageRecord): ImageInspect {
    return inspectImage(record);
  }

  summary(record: ImageRecord): ImageSummary {
    return summarizeImage(record);
  }
}
