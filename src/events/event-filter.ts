// dockerd's events filter (daemon/events/filter.go): which events a `filters` query lets through.
import { labelsMatch } from '../internal/filter-args.js';
import type { EventMessage } from './types.js';

export type EventFilters = Record<string, string[]>;

const has = (f: EventFilters, key: string): boolean => (f[key]?.length ?? 0) > 0;
const exact = (f: EventFilters, key: string, source: string): boolean => !has(f, key) || f[key]!.includes(source);
/** filters.Args.FuzzyMatch: an exact value or a prefix of the source */
const fuzzy = (f: EventFilters, key: string, source: string): boolean =>
  !has(f, key) || f[key]!.some((v) => source === v || source.startsWith(v));

/** `image` filter values compare with and without a tag (moby's stripTag for references). */
function stripTag(ref: string): string {
  if (ref.startsWith('sha256:')) return ref;
  const at = ref.indexOf('@');
  const base = at >= 0 ? ref.slice(0, at) : ref;
  const colon = base.lastIndexOf(':');
  return colon > base.lastIndexOf('/') ? base.slice(0, colon) : base;
}

function fuzzyName(f: EventFilters, key: string, ev: EventMessage): boolean {
  return fuzzy(f, key, ev.Actor.ID) || fuzzy(f, key, ev.Actor.Attributes.name ?? '');
}

function matchImage(f: EventFilters, ev: EventMessage): boolean {
  if (!has(f, 'image')) return true;
  const name = ev.Actor.Attributes[ev.Type === 'image' ? 'name' : 'image'] ?? '';
  const id = ev.Actor.ID;
  return [id, name, stripTag(id), stripTag(name)].some((s) => f.image!.includes(s));
}

function matchEvent(f: EventFilters, ev: EventMessage): boolean {
  // moby #25798: `health_status`, `exec_create` and `exec_start` match their "action: detail" forms
  const fuzzyNames = ['health_status', 'exec_create', 'exec_start'];
  if (f.event?.some((v) => fuzzyNames.includes(v))) return fuzzy(f, 'event', ev.Action);
  return exact(f, 'event', ev.Action);
}

export function eventMatches(f: EventFilters, ev: EventMessage): boolean {
  return matchEvent(f, ev)
    && exact(f, 'type', ev.Type)
    && exact(f, 'scope', ev.scope)
    && ['daemon', 'container', 'plugin', 'volume', 'network', 'node', 'service', 'secret', 'config'].every((k) => fuzzyName(f, k, ev))
    && matchImage(f, ev)
    && (!has(f, 'label') || labelsMatch(f.label!, ev.Actor.Attributes));
}
