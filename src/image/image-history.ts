// `GET /images/{name}/history` (docker history): one entry per history record of the image config,
// newest first, with the layer size of entries that made a layer; IDs as far as the local parent
// chain goes, "<missing>" beyond it (dockerd's behaviour for pulled and loaded images).
import type { ImageStore } from './image-store.js';
import { familiarString } from './reference.js';
import type { ImageRecord } from './types.js';

export interface HistoryItem {
  Id: string;
  Created: number;
  CreatedBy: string;
  Tags: string[] | null;
  Size: number;
  Comment: string;
}

export function imageHistory(store: ImageStore, ref: string): HistoryItem[] {
  const img = store.resolve(ref);
  const items: HistoryItem[] = [];
  let layer = 0;
  for (const h of img.config.history ?? []) {
    let size = 0;
    if (!h.empty_layer) {
      const l = img.layers[layer++];
      size = l ? l.unpackedSize ?? l.diffSize : 0;
    }
    const ms = Date.parse(h.created ?? '');
    items.unshift({
      Id: '<missing>',
      Created: Number.isFinite(ms) ? Math.floor(ms / 1000) : 0,
      CreatedBy: h.created_by ?? '',
      Tags: null,
      Size: size,
      Comment: h.comment ?? '',
    });
  }
  let current: ImageRecord | undefined = img;
  for (const item of items) {
    if (!current) break;
    item.Id = current.id;
    item.Tags = current.repoTags.length ? current.repoTags.map((t) => familiarString(t)) : null;
    current = current.parent ? store.get(current.parent) : undefined;
  }
  return items;
}
