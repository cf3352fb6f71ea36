// `docker ps`: which containers GET /containers/json returns, with dockerd's filter semantics
// (daemon/list.go of 20.10): values of one key are ORed (labels ANDed), keys are ANDed; id, name
// and status match as regular expressions; before/since walk the list newest first; a limit or a
// status filter includes stopped containers. Filter values are validated before anything is listed.
import type { ContainerSummary } from '../api/routers/containers/backend.js';
import { InvalidParameterError } from '../errdefs/index.js';
import { labelsMatch, validateFilterNames } from '../internal/filter-args.js';
import type { ContainerRecord } from './container.js';

export { labelsMatch, validateFilterNames };

const KNOWN_FILTERS = new Set(['id', 'name', 'label', 'status', 'exited', 'ancestor', 'before', 'since', 'volume',
  'network', 'health', 'publish', 'expose', 'is-task']);
const STATUSES = new Set(['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead']);
const HEALTH = new Set(['starting', 'healthy', 'unhealthy', 'none']);

export interface ListEntry {
  record: ContainerRecord;
  summary: ContainerSummary;
}

export interface ListQuery {
  all: boolean;
  limit?: number;
  filters: Record<string, string[]>;
}

export interface ListLookups {
  /** a container by ID, name or prefix (throws NotFoundError) — for before/since */
  container(ref: string): ContainerRecord;
  /** an image ID for a reference, or undefined when there is no such image — for ancestor */
  imageId(ref: string): string | undefined;
}

/**
 * filters.Args.Match: an exact value or a regular expression found in the source (values that are
 * not valid expressions match only exactly). Compiled once per request, not per container.
 */
function matcher(values: readonly string[] | undefined): (...sources: string[]) => boolean {
  if (!values || values.length === 0) return () => true;
  const patterns = values.map((v) => {
    try { return new RegExp(v); } catch { return undefined; }
  });
  return (...sources) => sources.some((s) => values.some((v, i) => s === v || patterns[i]?.test(s) === true));
}

/** "80", "80/udp", "8000-8010/tcp" → the set of "port/proto" keys. */
function portSet(key: string, values: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const value of values) {
    if (value.includes(':')) throw new InvalidParameterError(`filter for '${key}' should not contain ':': ${value}`);
    const [range = '', proto = 'tcp'] = value.split('/');
    const m = /^([0-9]+)(?:-([0-9]+))?$/.exec(range);
    const start = m ? Number(m[1]) : NaN;
    const end = m?.[2] !== undefined ? Number(m[2]) : start;
    if (!m || start > 65535 || end > 65535 || end < start) {
      throw new InvalidParameterError(`error while looking up for ${key} ${value}: invalid port range: ${range}`);
    }
    for (let p = start; p <= end; p++) out.add(`${p}/${proto.toLowerCase()}`);
  }
  return out;
}

interface SummaryPort { PrivatePort?: number; PublicPort?: number; Type?: string }
interface SummaryMount { Name?: string; Source?: string; Destination?: string }

function isRunningLike(rec: ContainerRecord): boolean {
  const s = rec.state.status;
  return s === 'running' || s === 'paused' || s === 'restarting';
}

function healthOf(rec: ContainerRecord): string {
  return (rec.state as { health?: { status?: string } }).health?.status ?? 'none';
}

function volumeKeys(e: ListEntry): Set<string> {
  const keys = new Set(Object.keys(e.record.config.Volumes ?? {}));
  for (const m of (e.summary.Mounts as SummaryMount[] | undefined) ?? []) {
    if (m.Name) keys.add(m.Name); else if (m.Source) keys.add(m.Source);
    if (m.Destination) keys.add(m.Destination);
  }
  for (const bind of (e.record.hostConfig.Binds as string[] | null | undefined) ?? []) {
    const [src, dst] = bind.split(':');
    if (src) keys.add(src);
    if (dst) keys.add(dst);
  }
  return keys;
}

function networkMatches(e: ListEntry, values: readonly string[]): boolean {
  const networks = ((e.summary.NetworkSettings as { Networks?: Record<string, { NetworkID?: string } | null> } | undefined)?.Networks) ?? {};
  return values.some((v) => Object.hasOwn(networks, v)
    || Object.values(networks).some((n) => Boolean(n?.NetworkID && n.NetworkID.startsWith(v))));
}

/** Applies the query to entries sorted newest first. */
export function selectContainers<E extends ListEntry>(entries: readonly E[], query: ListQuery, lookups: ListLookups): E[] {
  const f = query.filters;
  validateFilterNames(f, KNOWN_FILTERS);
  let all = query.all;
  for (const v of f.status ?? []) {
    if (!STATUSES.has(v)) throw new InvalidParameterError(`Invalid filter 'status=${v}'`);
    all = true;
  }
  for (const v of f.health ?? []) {
    if (!HEALTH.has(v)) throw new InvalidParameterError(`Unrecognised filter value for health: ${v}`);
  }
  const exited = (f.exited ?? []).map((v) => {
    if (!/^[-+]?[0-9]+$/.test(v)) throw new InvalidParameterError(`strconv.Atoi: parsing "${v}": invalid syntax`);
    return Number(v);
  });
  const isTask = f['is-task'];
  if (isTask && !(isTask.length === 1 && (isTask[0] === 'true' || isTask[0] === 'false'))) {
    throw new InvalidParameterError(`Invalid filter 'is-task=[${isTask.join(' ')}]'`);
  }
  const nameMatch = matcher(f.name);
  const idMatch = matcher(f.id);
  const statusMatch = matcher(f.status);
  const publish = portSet('publish', f.publish ?? []);
  const expose = portSet('expose', f.expose ?? []);
  // As in dockerd the last value wins; an unknown container is a 404.
  let beforeId = f.before?.length ? lookups.container(f.before[f.before.length - 1]!).id : undefined;
  const sinceId = f.since?.length ? lookups.container(f.since[f.since.length - 1]!).id : undefined;
  let ancestors: Set<string> | undefined;
  if (f.ancestor) {
    ancestors = new Set();
    for (const ref of f.ancestor) {
      const id = lookups.imageId(ref);
      if (id) ancestors.add(id);
    }
  }
  if (isTask?.[0] === 'true') return []; // no swarm: there are no task containers
  const limit = query.limit !== undefined && query.limit > 0 ? query.limit : 0;

  const out: E[] = [];
  for (const e of entries) {
    const rec = e.record;
    if (beforeId !== undefined) {
      if (rec.id === beforeId) beforeId = undefined;
      continue;
    }
    if (sinceId !== undefined && rec.id === sinceId) break;
    if (!isRunningLike(rec) && !all && limit === 0) continue;
    if (!nameMatch(`/${rec.name}`, rec.name)) continue;
    if (!idMatch(rec.id)) continue;
    if (f.label && !labelsMatch(f.label, rec.config.Labels ?? {})) continue;
    if (limit > 0 && out.length === limit) break;
    if (exited.length > 0 && !(exited.includes(rec.state.exitCode) && !isRunningLike(rec) && !rec.state.startedAt.startsWith('0001-'))) continue;
    if (!statusMatch(rec.state.status)) continue;
    if (f.health && !f.health.includes(healthOf(rec))) continue;
    if (f.volume) {
      const keys = volumeKeys(e);
      if (!f.volume.some((v) => keys.has(v))) continue;
    }
    if (ancestors && !ancestors.has(rec.image)) continue;
    if (f.network && !networkMatches(e, f.network)) continue;
    if (publish.size > 0 || expose.size > 0) {
      const ports = (e.summary.Ports as SummaryPort[] | undefined) ?? [];
      const hit = ports.some((p) => publish.has(`${p.PublicPort ?? 0}/${p.Type}`) || expose.has(`${p.PrivatePort ?? 0}/${p.Type}`));
      if (!hit) continue;
    }
    out.push(e);
  }
  return out;
}
