// `GET /images/json` as dockerd 20.10 answers it: which images show (intermediate ones only with
// `all`, dangling ones with `dangling=true`), the filters (label, before, since, reference with
// path.Match wildcards against the familiar name with and without tag), and which names each shows.
import { InvalidParameterError } from '../errdefs/errors.js';
import { labelsMatch, validateFilterNames } from '../internal/filter-args.js';
import type { ImageStore } from './image-store.js';
import { summarizeImage, type ImageSummary } from './image-shape.js';
import { parseNormalizedNamed } from './reference.js';
import type { ImageRecord } from './types.js';

const ACCEPTED = new Set(['dangling', 'label', 'before', 'since', 'reference']);

export interface ListImagesOptions {
  all: boolean;
  filters: Record<string, string[]>;
  /** compute SharedSize (API `shared-size`, and `system df`) */
  sharedSize?: boolean;
  /** per image ID, how many containers use it (for `system df`); -1 when absent */
  containerCounts?: ReadonlyMap<string, number>;
}

/** Go's path.Match for one pattern: `*` and `?` stop at "/", `[...]` classes, `\` escapes. */
export function pathMatch(pattern: string, name: string): boolean {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else if (ch === '\\' && i + 1 < pattern.length) re += `\\${pattern[++i]}`;
    else if (ch === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) return false; // Go: ErrBadPattern, which dockerd treats as no match
      const body = pattern.slice(i + 1, end).replace(/^\^/, '!');
      re += `[${body.startsWith('!') ? '^' + body.slice(1) : body}]`;
      i = end;
    } else re += ch.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  try {
    return new RegExp(`^${re}$`).test(name);
  } catch {
    return false;
  }
}

/** reference.FamiliarMatch: the pattern against "name:tag" and against "name". */
function familiarMatch(pattern: string, ref: string): boolean {
  const r = parseNormalizedNamed(ref);
  return pathMatch(pattern, r.familiarString()) || pathMatch(pattern, r.familiarName());
}

const createdMs = (img: ImageRecord): number => Date.parse(img.created) || 0;

export function listImages(store: ImageStore, options: ListImagesOptions): ImageSummary[] {
  const { filters } = options;
  validateFilterNames(filters, ACCEPTED);
  let danglingOnly = false;
  const dangling = filters.dangling;
  if (dangling?.length) {
    if (dangling.includes('true')) danglingOnly = true;
    else if (!dangling.includes('false')) throw new InvalidParameterError(`Invalid filter 'dangling=[${dangling.join(' ')}]'`);
  }
  const bound = (key: 'before' | 'since'): number | undefined => {
    const v = filters[key];
    return v?.length ? createdMs(store.resolve(v[v.length - 1] as string)) : undefined;
  };
  const before = bound('before');
  const since = bound('since');
  const references = filters.reference ?? [];
  const all = store.list();
  const hasChildren = new Set(all.flatMap((i) => (i.parent ? [i.parent] : [])));
  const out: ImageSummary[] = [];
  for (const img of all) {
    if (danglingOnly && hasChildren.has(img.id)) continue; // dockerd lists only heads here
    if (before !== undefined && !(createdMs(img) < before)) continue;
    if (since !== undefined && !(createdMs(img) > since)) continue;
    if (filters.label?.length && !labelsMatch(filters.label, img.config.config?.Labels ?? {})) continue;
    const pick = (refs: string[]): string[] => (references.length ? refs.filter((r) => references.some((p) => familiarMatch(p, r))) : refs);
    const shown: ImageRecord = { ...img, repoTags: pick(img.repoTags), repoDigests: pick(img.repoDigests) };
    if (shown.repoTags.length === 0 && shown.repoDigests.length === 0) {
      if (!(options.all || !hasChildren.has(img.id))) continue;
      if (dangling?.length && !danglingOnly) continue;
      if (references.length) continue;
    } else if (danglingOnly && shown.repoTags.length > 0) continue;
    out.push(summarizeImage(shown, options.containerCounts ? options.containerCounts.get(img.id) ?? 0 : -1));
  }
  if (options.sharedSize) addSharedSizes(all, out);
  return out.sort((a, b) => b.Created - a.Created);
}

/** SharedSize: the size of this image's layers that some other image also has. */
function addSharedSizes(all: ImageRecord[], summaries: ImageSummary[]): void {
  const users = new Map<string, number>();
  for (const img of all) for (const l of img.layers) users.set(l.chainId, (users.get(l.chainId) ?? 0) + 1);
  const byId = new Map(all.map((i) => [i.id, i]));
  for (const s of summaries) {
    const img = byId.get(s.Id);
    if (!img) continue;
    s.SharedSize = img.layers.filter((l) => (users.get(l.chainId) ?? 0) > 1).reduce((sum, l) => sum + (l.unpackedSize ?? l.diffSize), 0);
  }
}

/** Total size of all distinct layers (system df's LayersSize). */
export function layersSize(all: readonly ImageRecord[]): number {
  const seen = new Map<string, number>();
  for (const img of all) for (const l of img.layers) seen.set(l.chainId, l.unpackedSize ?? l.diffSize);
  return [...seen.values()].reduce((a, b) => a + b, 0);
}
