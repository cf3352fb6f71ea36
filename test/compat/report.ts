// Renders the run's outcome: one line per difference (route · case @ versions: what differs), the
// same difference at several versions folded into one line, then the allowed ones with their
// reasons, unused allowlist entries, routes without a case and skipped doc examples. Pure.
import type { Difference, Judged, AllowEntry } from './allowlist.js';

export interface RunSummary {
  judged: Judged;
  engines: string;
  seconds: number;
  cases: number;
  exchanges: number;
  uncoveredRoutes: string[];
  skippedDocs: string[];
}

const label = (v: string): string => (v === '' ? 'latest' : v === '-' ? 'cli' : v);

interface Folded { route: string; name: string; text: string; versions: string[]; source?: string; reason?: string }

/** Same route, case and text at several versions → one line listing the versions. */
export function fold(diffs: Array<Difference & { reason?: string }>): Folded[] {
  const byKey = new Map<string, Folded>();
  for (const d of diffs) {
    const key = `${d.route}\u0000${d.name}\u0000${d.text}`;
    const f = byKey.get(key);
    if (f) f.versions.push(d.version);
    else byKey.set(key, { route: d.route, name: d.name, text: d.text, versions: [d.version], ...(d.source ? { source: d.source } : {}), ...(d.reason ? { reason: d.reason } : {}) });
  }
  return [...byKey.values()];
}

function line(f: Folded): string {
  return `${f.route} · ${f.name} @ ${f.versions.map(label).join(',')}: ${f.text}`;
}

function entry(e: AllowEntry): string {
  return `${e.route}${e.name ? ` /${e.name}/` : ''}${e.versions ? ` @ ${e.versions.map(label).join(',')}` : ''}: /${e.match}/`;
}

export function renderReport(s: RunSummary): string {
  const open = fold(s.judged.open);
  const allowed = fold(s.judged.allowed);
  const out: string[] = [];
  out.push('# berthd vs dockerd: differential compatibility report', '');
  out.push(`${s.engines} · ${s.cases} cases, ${s.exchanges} exchanges per engine · ${s.seconds.toFixed(0)} s`, '');
  out.push(`**${s.judged.open.length} differences** (${open.length} lines after folding versions), ${s.judged.allowed.length} allowed by the allowlist.`, '');
  out.push('## Differences', '', '```');
  for (const f of open) out.push(line(f));
  out.push('```', '');
  out.push('## Allowed (test/compat/allowlist.json)', '', '```');
  for (const f of allowed) out.push(`${line(f)}\n    because: ${f.reason}`);
  out.push('```', '');
  if (s.judged.unused.length) {
    out.push('## Allowlist entries that matched nothing (remove them when the cause is gone)', '');
    for (const e of s.judged.unused) out.push(`- ${entry(e)}`);
    out.push('');
  }
  out.push('## berthd routes without a case', '');
  out.push(s.uncoveredRoutes.length ? s.uncoveredRoutes.map((r) => `- ${r}`).join('\n') : '(none)', '');
  out.push(`## Doc examples not sent (${s.skippedDocs.length}: routes berthd does not serve, or a registry on the internet)`, '');
  out.push(s.skippedDocs.map((d) => `- ${d}`).join('\n'), '');
  return out.join('\n');
}
