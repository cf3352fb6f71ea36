// `POST /images/prune` (docker image prune): dangling images by default, every image no container
// uses with dangling=false; `until` and `label`/`label!` filters; SpaceReclaimed counts the layers
// actually removed, as dockerd does.
import { InvalidParameterError } from '../errdefs/errors.js';
import { labelsMatch, validateFilterNames } from '../internal/filter-args.js';
import { parseFilterTime } from '../internal/go-time.js';
import { deleteImage, type ContainerUse, type DeleteRecord } from './image-delete.js';
import type { ImageStore } from './image-store.js';

const ACCEPTED = new Set(['dangling', 'label', 'label!', 'until']);

export interface PruneResult {
  ImagesDeleted: DeleteRecord[] | null;
  SpaceReclaimed: number;
}

export async function pruneImages(
  store: ImageStore,
  filters: Record<string, string[]>,
  containers: readonly ContainerUse[],
  onOrphanLayer?: (chainId: string) => void,
): Promise<PruneResult> {
  validateFilterNames(filters, ACCEPTED);
  let danglingOnly = true;
  const dangling = filters.dangling;
  if (dangling?.length) {
    if (dangling.includes('false') || dangling.includes('0')) danglingOnly = false;
    else if (!dangling.includes('true') && !dangling.includes('1')) {
      throw new InvalidParameterError(`Invalid filter 'dangling=[${dangling.join(' ')}]'`);
    }
  }
  const untilValues = filters.until ?? [];
  if (untilValues.length > 1) throw new InvalidParameterError('more than one until filter specified');
  const until = untilValues[0] !== undefined ? parseFilterTime(untilValues[0]).getTime() : undefined;

  const all = store.list();
  const layerSizes = new Map(all.flatMap((i) => i.layers.map((l) => [l.chainId, l.unpackedSize ?? l.diffSize] as const)));
  const parents = new Set(all.flatMap((i) => (i.parent ? [i.parent] : [])));
  const used = new Set(containers.map((c) => c.imageId));
  const candidates = all.filter((img) => {
    const named = img.repoTags.length + img.repoDigests.length > 0;
    if (danglingOnly && parents.has(img.id)) return false; // only heads
    if (!named && parents.has(img.id)) return false; // intermediate images go with their children
    if (until !== undefined && (Date.parse(img.created) || 0) > until) return false;
    const labels = img.config.config?.Labels ?? {};
    if (filters.label?.length && !labelsMatch(filters.label, labels)) return false;
    // dockerd's matchLabels: `label!` keeps an image out when all its specs match
    if (filters['label!']?.length && labelsMatch(filters['label!'], labels)) return false;
    if (used.has(img.id)) return false;
    return !danglingOnly || img.repoTags.length === 0;
  });

  const deleted: DeleteRecord[] = [];
  for (const img of candidates) {
    const current = store.get(img.id);
    if (!current) continue; // went with an earlier one
    const refs = [...current.repoTags, ...current.repoDigests];
    const targets = refs.length > 0 ? refs : [img.id];
    for (const ref of targets) {
      try {
        deleted.push(...(await deleteImage(store, ref, { force: false, prune: true, containers, ...(onOrphanLayer ? { onOrphanLayer } : {}) })));
      } catch {
        // a conflict (e.g. a child image appeared) keeps that image; prune goes on with the rest
      }
    }
  }
  let reclaimed = 0;
  for (const d of deleted) if (d.Deleted) reclaimed += layerSizes.get(d.Deleted) ?? 0;
  return { ImagesDeleted: deleted.length ? deleted : null, SpaceReclaimed: reclaimed };
}
