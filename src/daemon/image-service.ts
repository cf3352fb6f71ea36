// The image side of the daemon: serves the images router and gives the container side what it
// needs of an image. Storage and `docker load` live in src/image; this adds list filtering and the
// router-facing shapes.
import type { Readable } from 'node:stream';
import type { ImageBackend, ImageInspect, ImageProgress, ImageSummary } from '../api/routers/images/backend.js';
import { InvalidParameterError } from '../errdefs/index.js';
import { familiarString, ImageStore, loadArchive, type ImageRecord } from '../image/index.js';
import type { Runtime } from '../runtime/runtime.js';
import type { ContainerImage, ImagesPort } from './ports.js';

const IMAGE_FILTERS = new Set(['dangling', 'label', 'before', 'since', 'reference']);

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  return new RegExp(`^${escaped}$`);
}

export class ImageService implements ImageBackend, ImagesPort {
  private constructor(readonly store: ImageStore) {}

  static async open(dataRoot: string, runtime: Runtime): Promise<ImageService> {
    const store = await ImageStore.open(dataRoot, { content: runtime.content, snapshots: runtime.snapshots, differ: runtime.differ });
    return new ImageService(store);
  }

  resolveForContainer(ref: string): ContainerImage {
    const record = this.store.resolve(ref);
    return { id: record.id, config: record.config.config ?? {}, topChainId: this.store.topChainId(record) ?? '' };
  }

  count(): number {
    return this.store.list().length;
  }

  async imageLoad(archive: Readable, options: { quiet: boolean; signal: AbortSignal; onProgress: (p: ImageProgress) => void }): Promise<void> {
    await loadArchive(this.store, archive, { quiet: options.quiet, signal: options.signal, onProgress: options.onProgress });
  }

  async imageList(options: { all: boolean; digests: boolean; filters: Record<string, string[]> }): Promise<ImageSummary[]> {
    for (const key of Object.keys(options.filters)) {
      if (!IMAGE_FILTERS.has(key)) throw new InvalidParameterError(`invalid filter '${key}'`);
    }
    const records = this.store.list().filter((r) => this.matches(r, options.filters));
    records.sort((a, b) => (b.created || b.addedAt).localeCompare(a.created || a.addedAt));
    return records.map((r) => ({ ...this.store.summary(r) }));
  }

  private matches(r: ImageRecord, filters: Record<string, string[]>): boolean {
    const { dangling, label, reference, before, since } = filters;
    if (dangling?.length) {
      const want = dangling[0] === 'true' || dangling[0] === '1';
      if (want !== (r.repoTags.length === 0)) return false;
    }
    if (label?.length) {
      const labels = r.config.config?.Labels ?? {};
      for (const l of label) {
        const i = l.indexOf('=');
        if (i < 0 ? !(l in labels) : labels[l.slice(0, i)] !== l.slice(i + 1)) return false;
      }
    }
    if (reference?.length) {
      const names = r.repoTags.map((t) => familiarString(t));
      const ok = reference.some((pattern) => {
        const re = globToRegExp(pattern);
        return names.some((n) => re.test(n) || re.test(n.replace(/:[^:/]+$/, '')));
      });
      if (!ok) return false;
    }
    const created = r.created || r.addedAt;
    if (before?.length && !before.every((ref) => created < (this.store.resolve(ref).created || ''))) return false;
    if (since?.length && !since.every((ref) => created > (this.store.resolve(ref).created || ''))) return false;
    return true;
  }

  async imageInspect(ref: string): Promise<ImageInspect> {
    return { ...this.store.inspect(this.store.resolve(ref)) };
  }
}
