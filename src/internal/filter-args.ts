// Pieces of dockerd's filters.Args shared by the list and prune filters of containers and images.
import { InvalidParameterError } from '../errdefs/index.js';

/** The filter names dockerd accepts, with its message for others. */
export function validateFilterNames(filters: Record<string, string[]>, known: ReadonlySet<string>): void {
  for (const key of Object.keys(filters)) {
    if (!known.has(key)) throw new InvalidParameterError(`Invalid filter '${key}'`);
  }
}

/** filters.Args.MatchKVList: every spec ("key" or "key=value") matches one of the labels. */
export function labelsMatch(specs: readonly string[], labels: Readonly<Record<string, string>>): boolean {
  return specs.every((spec) => {
    const i = spec.indexOf('=');
    const key = i < 0 ? spec : spec.slice(0, i);
    if (!Object.hasOwn(labels, key)) return false;
    return i < 0 || labels[key] === spec.slice(i + 1);
  });
}
