// The allowlist: differences that are right on purpose (a dockerd 20.10 bug, a limit of this host,
// 20.10 against newer semantics). Every entry says why. Pure: the runner loads the JSON file.

export interface AllowEntry {
  /** berthd route (`GET /info`, `CLI`), or `*` */
  route: string;
  /** regular expression on the case name; absent = every case of the route */
  name?: string;
  /** versions ('' = unversioned); absent = all */
  versions?: string[];
  /** regular expression on the difference's text */
  match: string;
  reason: string;
}

export interface Difference {
  route: string;
  name: string;
  /** '' unversioned, '-' for CLI cases */
  version: string;
  text: string;
  source?: string;
}

export interface Judged { open: Difference[]; allowed: Array<Difference & { reason: string }>; unused: AllowEntry[] }

export function parseAllowlist(json: string): AllowEntry[] {
  const parsed = JSON.parse(json) as { entries?: unknown };
  if (!Array.isArray(parsed.entries)) throw new Error('allowlist: expected {"entries": [...]}');
  return parsed.entries.map((e: unknown, i: number) => {
    const x = e as Partial<AllowEntry>;
    if (typeof x.route !== 'string' || typeof x.match !== 'string' || typeof x.reason !== 'string' || !x.reason.trim()) {
      throw new Error(`allowlist entry ${i}: route, match and a reason are required`);
    }
    new RegExp(x.match); if (x.name !== undefined) new RegExp(x.name);
    return x as AllowEntry;
  });
}

function matches(e: AllowEntry, d: Difference): boolean {
  if (e.route !== '*' && e.route !== d.route) return false;
  if (e.name !== undefined && !new RegExp(e.name).test(d.name)) return false;
  if (e.versions && !e.versions.includes(d.version)) return false;
  return new RegExp(e.match).test(d.text);
}

export function judge(diffs: Difference[], entries: AllowEntry[]): Judged {
  const used = new Set<AllowEntry>();
  const out: Judged = { open: [], allowed: [], unused: [] };
  for (const d of diffs) {
    const e = entries.find((x) => matches(x, d));
    if (e) { used.add(e); out.allowed.push({ ...d, reason: e.reason }); } else out.open.push(d);
  }
  out.unused = entries.filter((e) => !used.has(e));
  return out;
}
