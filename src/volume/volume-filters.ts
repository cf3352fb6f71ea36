// Filters of `GET /volumes` (dangling, driver, label, name) and `POST /volumes/prune` (label,
// label!, and `all` from API 1.42), with dockerd's semantics and messages: name matches a part of
// the name, driver the whole driver name, labels as filters.Args.MatchKVList.
import { InvalidParameterError } from '../errdefs/index.js';
import { labelsMatch, validateFilterNames } from '../internal/filter-args.js';

export interface FilterableVolume {
  name: string;
  driver: string;
  labels: Readonly<Record<string, string>>;
  inUse: boolean;
}

const LIST_FILTERS = new Set(['dangling', 'driver', 'label', 'name']);

/** Go's strconv.ParseBool values dockerd accepts for boolean filters. */
function boolValue(key: string, values: readonly string[]): boolean {
  const v = values[values.length - 1] ?? '';
  if (['true', '1'].includes(v.toLowerCase())) return true;
  if (['false', '0'].includes(v.toLowerCase())) return false;
  throw new InvalidParameterError(`Invalid filter '${key}=[${values.join(' ')}]'`);
}

export function listPredicate(filters: Record<string, string[]>): (v: FilterableVolume) => boolean {
  validateFilterNames(filters, LIST_FILTERS);
  const dangling = filters.dangling?.length ? boolValue('dangling', filters.dangling) : undefined;
  const names = filters.name ?? [];
  const drivers = filters.driver ?? [];
  const labels = filters.label ?? [];
  return (v) => {
    if (dangling !== undefined && dangling === v.inUse) return false;
    if (names.length > 0 && !names.some((n) => v.name.includes(n))) return false;
    if (drivers.length > 0 && !drivers.includes(v.driver)) return false;
    return labels.length === 0 || labelsMatch(labels, v.labels);
  };
}

export interface PruneFilter {
  matches(v: FilterableVolume): boolean;
  /** the `all` filter asked for named volumes too */
  all: boolean;
}

export function prunePredicate(filters: Record<string, string[]>, allowAll: boolean): PruneFilter {
  validateFilterNames(filters, new Set(allowAll ? ['label', 'label!', 'all'] : ['label', 'label!']));
  const all = filters.all?.length ? boolValue('all', filters.all) : false;
  const labels = filters.label ?? [];
  const notLabels = filters['label!'] ?? [];
  return {
    all,
    matches: (v) => !v.inUse && (labels.length === 0 || labelsMatch(labels, v.labels))
      && (notLabels.length === 0 || !labelsMatch(notLabels, v.labels)),
  };
}
