// `docker rmi` (DELETE /images/{name}) with dockerd's semantics — untag versus delete, the conflicts
// and their texts, pruning of untagged parents — and the removal of an image's data: layer snapshots
// (top down, as long as no other image or container needs them) and blobs no other image shares.
import { ConflictError } from '../errdefs/errors.js';
import { shortId } from '../internal/ids.js';
import type { ImageStore } from './image-store.js';
import { parseNormalizedNamed } from './reference.js';
import type { ImageRecord } from './types.js';

/** A container as image removal sees it. */
export interface ContainerUse {
  id: string;
  imageId: string;
  running: boolean;
}

export interface DeleteRecord {
  Untagged?: string;
  Deleted?: string;
}

export interface DeleteImageOptions {
  force: boolean;
  prune: boolean;
  containers: readonly ContainerUse[];
  /** chain IDs whose snapshot could not be removed yet (a container still stands on them) */
  onOrphanLayer?: (chainId: string) => void;
}

const CONFLICT_DEPENDENT_CHILD = 1;
const CONFLICT_RUNNING_CONTAINER = 2;
const CONFLICT_ACTIVE_REFERENCE = 4;
const CONFLICT_STOPPED_CONTAINER = 8;
const CONFLICT_HARD = CONFLICT_DEPENDENT_CHILD | CONFLICT_RUNNING_CONTAINER;
const CONFLICT_SOFT = CONFLICT_ACTIVE_REFERENCE | CONFLICT_STOPPED_CONTAINER;

class ImageDeleteConflict extends ConflictError {
  constructor(imageId: string, readonly hard: boolean, readonly used: boolean, detail: string) {
    super(`conflict: unable to delete ${shortId(imageId)} (${hard ? 'cannot be forced' : 'must be forced'}) - ${detail}`);
  }
}

const allRefs = (img: ImageRecord): string[] => [...img.repoTags, ...img.repoDigests];

/** dockerd's isSingleReference: at most one tag, and every reference in one repository. */
function isSingleReference(refs: string[]): boolean {
  const names = new Set(refs.map((r) => parseNormalizedNamed(r).name()));
  const tags = refs.filter((r) => !r.includes('@')).length;
  return tags <= 1 && names.size <= 1;
}

const isIdPrefix = (id: string, ref: string): boolean => id.startsWith(ref) || id.startsWith(`sha256:${ref}`);

export async function deleteImage(store: ImageStore, ref: string, options: DeleteImageOptions): Promise<DeleteRecord[]> {
  const img = store.resolve(ref);
  const id = img.id;
  const records: DeleteRecord[] = [];
  let repoRefs = allRefs(img);
  const force = options.force;
  let removedRepositoryRef = false;
  const usedBy = options.containers.find((c) => c.imageId === id);

  if (!isIdPrefix(id, ref)) {
    // A name was given: it goes first. Untagging the last name of an image a container uses would
    // leave it dangling, so that needs force.
    if (!force && isSingleReference(repoRefs) && usedBy) {
      throw new ConflictError(
        `conflict: unable to remove repository reference ${JSON.stringify(ref)} (must force) - container ${shortId(usedBy.id)} is using its referenced image ${shortId(id)}`,
      );
    }
    const named = parseNormalizedNamed(ref);
    const removed = named.digest !== undefined ? named.withoutTag() : named.withDefaultTag();
    store.untag(ref);
    records.push({ Untagged: removed.familiarString() });
    repoRefs = allRefs(store.get(id) as ImageRecord);
    // The last tag of a repository gone: its digest references go with it.
    if (removed.digest === undefined) {
      const sameRepo = (r: string): boolean => parseNormalizedNamed(r).name() === removed.name();
      if (!repoRefs.some((r) => !r.includes('@') && sameRepo(r))) {
        for (const r of repoRefs.filter((r) => r.includes('@') && sameRepo(r))) {
          store.untag(r);
          records.push({ Untagged: parseNormalizedNamed(r).familiarString() });
        }
        repoRefs = allRefs(store.get(id) as ImageRecord);
      }
    }
    if (repoRefs.length > 0) return records;
    removedRepositoryRef = true;
  } else if (isSingleReference(repoRefs)) {
    // An ID with at most one tag (all in one repository): all names go, then the image.
    const mask = CONFLICT_HARD | (force ? 0 : CONFLICT_SOFT & ~CONFLICT_ACTIVE_REFERENCE);
    const conflict = checkConflict(store, id, mask, options.containers);
    if (conflict) throw conflict;
    for (const r of repoRefs) {
      store.untag(r);
      records.push({ Untagged: parseNormalizedNamed(r).familiarString() });
    }
  }
  await deleteHelper(store, id, records, options, removedRepositoryRef);
  return records;
}

function checkConflict(store: ImageStore, id: string, mask: number, containers: readonly ContainerUse[]): ImageDeleteConflict | undefined {
  if (mask & CONFLICT_DEPENDENT_CHILD && store.children(id).length > 0) {
    return new ImageDeleteConflict(id, true, false, 'image has dependent child images');
  }
  if (mask & CONFLICT_RUNNING_CONTAINER) {
    const c = containers.find((x) => x.running && x.imageId === id);
    if (c) return new ImageDeleteConflict(id, true, true, `image is being used by running container ${shortId(c.id)}`);
  }
  const img = store.get(id);
  if (mask & CONFLICT_ACTIVE_REFERENCE && img && allRefs(img).length > 0) {
    return new ImageDeleteConflict(id, false, false, 'image is referenced in multiple repositories');
  }
  if (mask & CONFLICT_STOPPED_CONTAINER) {
    const c = containers.find((x) => !x.running && x.imageId === id);
    if (c) return new ImageDeleteConflict(id, false, true, `image is being used by stopped container ${shortId(c.id)}`);
  }
  return undefined;
}

/** dockerd's imageDeleteHelper: conflicts, names, the image, its layers, then maybe its parent. */
async function deleteHelper(store: ImageStore, id: string, records: DeleteRecord[], options: DeleteImageOptions, quiet: boolean): Promise<void> {
  const conflict = checkConflict(store, id, CONFLICT_HARD | (options.force ? 0 : CONFLICT_SOFT), options.containers);
  if (conflict) {
    const img = store.get(id);
    const dangling = img !== undefined && allRefs(img).length === 0;
    // Quietly keep an image that is still named or used; tell the user about a dangling unused one.
    if (quiet && (!dangling || conflict.used)) return;
    throw conflict;
  }
  const img = store.get(id) as ImageRecord;
  for (const r of allRefs(img)) {
    store.untag(r);
    records.push({ Untagged: parseNormalizedNamed(r).familiarString() });
  }
  store.delete(id);
  records.push({ Deleted: id });
  for (const chain of await removeImageData(store, img, options.onOrphanLayer)) records.push({ Deleted: chain });
  if (!options.prune || !img.parent || !store.get(img.parent)) return;
  await deleteHelper(store, img.parent, records, { ...options, force: false }, true);
}

/**
 * Removes what only `img` (already gone from the store's metadata) used: its layer snapshots from
 * the top down, stopping at the first one another image shares or a container stands on, and its
 * blobs. Returns the chain IDs of the removed snapshots.
 */
export async function removeImageData(store: ImageStore, img: ImageRecord, onOrphan?: (chainId: string) => void): Promise<string[]> {
  const others = store.list().filter((o) => o.id !== img.id);
  const usedChains = new Set(others.flatMap((o) => o.layers.map((l) => l.chainId)));
  const usedBlobs = new Set(others.flatMap((o) => [o.id, ...o.layers.map((l) => l.blobDigest)]));
  const removed: string[] = [];
  for (let i = img.layers.length - 1; i >= 0; i--) {
    const chain = (img.layers[i] as ImageRecord['layers'][number]).chainId;
    if (usedChains.has(chain)) break;
    if (!(await removeSnapshot(store, chain))) {
      // a container's snapshot (or a view) is its child: it goes once that is gone
      for (let j = i; j >= 0; j--) {
        const c = (img.layers[j] as ImageRecord['layers'][number]).chainId;
        if (!usedChains.has(c)) onOrphan?.(c);
      }
      break;
    }
    removed.push(chain);
  }
  for (const digest of new Set([img.id, ...img.layers.map((l) => l.blobDigest)])) {
    if (!usedBlobs.has(digest)) await store.content.delete(digest).catch(() => undefined);
  }
  return removed;
}

/** True when the snapshot is gone (or was never there). */
export async function removeSnapshot(store: ImageStore, key: string): Promise<boolean> {
  try {
    await store.snapshots.remove(key);
    return true;
  } catch {
    return !(await store.snapshots.stat(key).catch(() => undefined));
  }
}
