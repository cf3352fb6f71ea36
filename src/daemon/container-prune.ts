// `docker container prune`: which stopped containers POST /containers/prune removes, with the
// filters dockerd accepts there (until, label, label!).
import { InvalidParameterError } from '../errdefs/index.js';
import { parseFilterTime } from '../internal/go-time.js';
import type { ContainerRecord } from './container.js';
import { labelsMatch, validateFilterNames } from './container-list.js';

const PRUNE_FILTERS = new Set(['until', 'label', 'label!']);

/** Returns a predicate over stopped containers; invalid filters throw before anything is removed. */
export function prunePredicate(filters: Record<string, string[]>, now = Date.now()): (rec: ContainerRecord) => boolean {
  validateFilterNames(filters, PRUNE_FILTERS);
  const untilValues = filters.until ?? [];
  if (untilValues.length > 1) throw new InvalidParameterError('more than one until filter specified');
  const until = untilValues.length === 1 ? parseFilterTime(untilValues[0]!, now).getTime() : undefined;
  const want = filters.label ?? [];
  const notWant = filters['label!'] ?? [];
  return (rec) => {
    if (until !== undefined && Date.parse(rec.created) > until) return false;
    const labels = rec.config.Labels ?? {};
    if (want.length > 0 && !labelsMatch(want, labels)) return false;
    // dockerd: `label!` excludes a container when all its specs match.
    if (notWant.length > 0 && labelsMatch(notWant, labels)) return false;
    return true;
  };
}
