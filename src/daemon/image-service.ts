// The image side of the daemon: serves the images router and gives the container side what it
// needs of an image. Storage, load/save/import, removal and queries live in src/image; this adds the
// container usage they depend on (rmi conflicts, prune) and the router-facing shapes.
import fs from 'node:fs';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type {
  ImageBackend, ImageDeleteItem, ImageHistoryItem, ImageInspect, ImageProgress, ImagePruneResult, ImageSummary,
} from '../api/routers/images/backend.js';
import { InvalidParameterError } from '../errdefs/index.js';
import { writeJsonAtomicSync } from '../internal/atomic-write.js';
import { ImageStore, loadArchive, parseNormalizedNamed } from '../image/index.js';
import { deleteImage, removeSnapshot, type ContainerUse } from '../image/image-delete.js';
import { imageHistory } from '../image/image-history.js';
import { importImage, importTarget } from '../image/import.js';
import { layersSize, listImages } from '../image/image-list.js';
import { pruneImages } from '../image/image-prune.js';
import { planSave, writeSaveArchive } from '../image/save.js';
import { sweepTempSnapshots } from '../image/sweep.js';
import { imageEvent } from '../events/actor-events.js';
import { noEvents, type EventSink } from '../events/types.js';
import type { Runtime } from '../runtime/runtime.js';
import type { ContainerImage, ImagesPort } from './ports.js';

export class ImageService implements ImageBackend, ImagesPort {
  private containers: () => ContainerUse[] = () => [];
  /** image events (the event bus, set at wiring) */
  events: EventSink = noEvents;
  /** layer snapshots an image no longer needs but a container still stood on, top first; kept on disk */
  private readonly orphans: string[];

  private constructor(readonly store: ImageStore, private readonly runtime: Pick<Runtime, 'collectGarbage'>) {
    try {
      this.orphans = (JSON.parse(fs.readFileSync(this.orphansFile, 'utf8')) as { layers: string[] }).layers;
    } catch {
      this.orphans = [];
    }
  }

  private get orphansFile(): string {
    return path.join(this.store.dataRoot, 'image', 'orphan-layers.json');
  }

  private saveOrphans(): void {
    writeJsonAtomicSync(this.orphansFile, { layers: this.orphans });
  }

  static async open(dataRoot: string, runtime: Runtime): Promise<ImageService> {
    const store = await ImageStore.open(dataRoot, { content: runtime.content, snapshots: runtime.snapshots, differ: runtime.differ });
    const service = new ImageService(store, runtime);
    // leftovers of a crash: interrupted working snapshots, and orphaned layers whose container went
    await sweepTempSnapshots(store.snapshots).catch(() => undefined);
    await service.containerRemoved().catch(() => undefined);
    return service;
  }

  /** Wiring: where the containers (and the images they use) come from. */
  setContainerSource(list: () => ContainerUse[]): void {
    this.containers = list;
  }

  resolveForContainer(ref: string): ContainerImage {
    const record = this.store.resolve(ref);
    return { id: record.id, config: record.config.config ?? {}, topChainId: this.store.topChainId(record) ?? '' };
  }

  count(): number {
    return this.store.list().length;
  }

  /** After a container is gone: layers of deleted images it stood on can go now. */
  async containerRemoved(): Promise<void> {
    if (this.orphans.length === 0) return;
    const used = new Set(this.store.list().flatMap((i) => i.layers.map((l) => l.chainId)));
    const before = this.orphans.length;
    for (const chain of [...this.orphans]) {
      if (!used.has(chain) && !(await removeSnapshot(this.store, chain))) continue;
      this.orphans.splice(this.orphans.indexOf(chain), 1);
    }
    // once: a crash before this only means the next call finds those snapshots already gone
    if (this.orphans.length !== before) {
      this.saveOrphans();
      await this.reclaim();
    }
  }

  /**
   * Removed layers and blobs leave the disk before the request answers, as with dockerd's graph
   * drivers (containerd's own collection may come tens of seconds later). A failure here loses
   * nothing: containerd's scheduler collects them later.
   */
  private async reclaim(): Promise<void> {
    await this.runtime.collectGarbage().catch(() => undefined);
  }

  private readonly addOrphan = (chain: string): void => {
    if (this.orphans.includes(chain)) return;
    this.orphans.push(chain);
    this.saveOrphans();
  };

  async imageLoad(archive: Readable, options: { quiet: boolean; signal: AbortSignal; onProgress: (p: ImageProgress) => void }): Promise<void> {
    const { loaded } = await loadArchive(this.store, archive, { quiet: options.quiet, signal: options.signal, onProgress: options.onProgress });
    for (const { id } of loaded) this.emit(id, id, 'load');
  }

  async imageList(options: { all: boolean; digests: boolean; sharedSize?: boolean; filters: Record<string, string[]> }): Promise<ImageSummary[]> {
    return listImages(this.store, {
      all: options.all, filters: options.filters, sharedSize: options.sharedSize ?? false, containerCounts: this.containerCounts(),
    }).map((s) => ({ ...s }));
  }

  async imageInspect(ref: string): Promise<ImageInspect> {
    return { ...this.store.inspect(this.store.resolve(ref)) };
  }

  async imageHistory(ref: string): Promise<ImageHistoryItem[]> {
    return imageHistory(this.store, ref).map((h) => ({ ...h }));
  }

  async imageTag(ref: string, repo: string, tag: string): Promise<void> {
    const img = this.store.resolve(ref);
    let named = parseNormalizedNamed(repo);
    if (tag) named = named.withoutTag().withTag(tag);
    if (named.digest !== undefined) throw new InvalidParameterError('refusing to create a tag with a digest reference');
    if (named.familiarName() === 'sha256') throw new InvalidParameterError('refusing to create an ambiguous tag using digest algorithm as name');
    this.store.tag(img.id, named.toString());
    this.emit(img.id, named.familiarString(), 'tag');
  }

  /** dockerd's LogImageEvent: the image's labels (while it exists) and the name the action was about. */
  emit(imageId: string, refName: string, action: string): void {
    imageEvent(this.events, imageId, refName, action, this.store.get(imageId)?.config.config?.Labels);
  }

  /** untag and delete events in the order of rmi's records (an untag belongs to the image deleted after it). */
  private emitDeleteRecords(records: readonly { Untagged?: string; Deleted?: string }[], firstId: string, imageIds: ReadonlySet<string>, labels: Map<string, Record<string, string> | undefined>): void {
    let current = firstId;
    for (const r of records) {
      if (r.Untagged !== undefined) imageEvent(this.events, current, current, 'untag', labels.get(current));
      if (r.Deleted !== undefined && imageIds.has(r.Deleted)) {
        imageEvent(this.events, r.Deleted, r.Deleted, 'delete');
        current = this.store.get(r.Deleted)?.parent ?? current;
      }
    }
  }

  private imageLabels(): Map<string, Record<string, string> | undefined> {
    return new Map(this.store.list().map((i) => [i.id, i.config.config?.Labels ?? undefined]));
  }

  async imageRemove(ref: string, options: { force: boolean; noprune: boolean }): Promise<ImageDeleteItem[]> {
    const firstId = this.store.resolve(ref).id;
    const labels = this.imageLabels();
    const records = await deleteImage(this.store, ref, {
      force: options.force, prune: !options.noprune, containers: this.containers(), onOrphanLayer: this.addOrphan,
    });
    this.emitDeleteRecords(records, firstId, new Set(labels.keys()), labels);
    if (records.some((r) => r.Deleted !== undefined)) await this.reclaim();
    return records.map((r) => ({ ...r }));
  }

  async imagePrune(filters: Record<string, string[]>): Promise<ImagePruneResult> {
    const labels = this.imageLabels();
    const r = await pruneImages(this.store, filters, this.containers(), this.addOrphan);
    for (const d of r.ImagesDeleted ?? []) {
      if (d.Deleted !== undefined && labels.has(d.Deleted)) imageEvent(this.events, d.Deleted, d.Deleted, 'delete');
    }
    this.events.publish('image', 'prune', '', { reclaimed: String(r.SpaceReclaimed) });
    if (r.ImagesDeleted?.some((d) => d.Deleted !== undefined)) await this.reclaim();
    return { ImagesDeleted: r.ImagesDeleted && r.ImagesDeleted.map((d) => ({ ...d })), SpaceReclaimed: r.SpaceReclaimed };
  }

  async imageSave(names: string[]): Promise<(out: Writable, signal: AbortSignal) => Promise<void>> {
    const plan = planSave(this.store, names);
    return async (out, signal) => {
      await writeSaveArchive(this.store, plan, out, signal);
      for (const e of plan.entries) this.emit(e.image.id, e.image.id, 'save');
    };
  }

  async imageImport(body: Readable, options: { repo?: string; tag?: string; message?: string; changes: string[]; signal: AbortSignal }): Promise<string> {
    const id = await importImage(this.store, body, options);
    this.emit(id, id, 'import');
    return id;
  }

  validateImportTarget(repo: string | undefined, tag: string | undefined): void {
    importTarget(repo, tag);
  }

  /** Image ID → number of containers created from it (ImageSummary.Containers). */
  private containerCounts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const c of this.containers()) counts.set(c.imageId, (counts.get(c.imageId) ?? 0) + 1);
    return counts;
  }

  /** `system df`'s image part: every image with its container count and shared size. */
  diskUsage(): { LayersSize: number; Images: ImageSummary[] } {
    const images = listImages(this.store, { all: true, filters: {}, sharedSize: true, containerCounts: this.containerCounts() });
    return { LayersSize: layersSize(this.store.list()), Images: images.map((s) => ({ ...s })) };
  }
}
