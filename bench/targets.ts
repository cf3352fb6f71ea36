// Issue 15's target table: each target ratio berthd/dockerd against this run's median ratio, and for
// a target that is not met the floor measured in the same run (floor-scenarios.ts) — the best
// ratio any engine on this containerd, shim, runtime and CLI could reach — and what was tried.

export interface TargetRow {
  /** median per engine name */
  medians: Map<string, number>;
  ratios: number[];
  /** per iteration, when the floor ran inside the scenario: floor / dockerd's sample of that iteration */
  floorRatios: number[];
  unit: string;
}

interface Target {
  scenario: string;
  label: string;
  /** the target ratio berthd/dockerd */
  bound: number;
  /** true: the ratio must be at least `bound` (throughput); false: at most (times, memory) */
  atLeast: boolean;
  /** floor scenarios whose berthd medians make the floor: summed (times, memory) or the smallest (throughput ceilings) */
  floor?: { parts: Array<{ scenario: string; what: string }>; combine: 'sum' | 'min' };
  /** the levers tried so far (bench/README.md has the measurements) */
  tried: string;
}

const START_TRIED = 'shim groups of 20 + warm anchor, crun (busybox wrapper, run from a read-only bind: no memfd re-exec), shim front script (no Go shim binary for group joins or containerd\'s cleanup after Tasks.Delete), exit reported before Tasks.Delete, FIFO pool, pooled log copiers, no fsync on the path, 3 gRPC calls per start; not worth it: precompiled seccomp (< 1 ms), a persistent mount namespace (this host\'s / is private)';

export const TARGETS: Target[] = [
  {
    scenario: 'run-rm', label: 'docker run --rm busybox true', bound: 0.5, atLeast: false, tried: START_TRIED,
    floor: { combine: 'sum', parts: [{ scenario: 'floor/cli-run-rm', what: 'CLI' }, { scenario: 'floor/run-rm', what: 'containerd/shim/runtime' }] },
  },
  {
    scenario: 'run-rm-parallel-20', label: '20 parallel docker run --rm', bound: 0.5, atLeast: false, tried: `${START_TRIED}, ≤ 2 creates in flight per shim group`,
    floor: { combine: 'sum', parts: [{ scenario: 'floor/cli-run-rm-parallel-20', what: 'CLI ×20' }, { scenario: 'floor/run-rm-parallel-20', what: 'containerd/shim/runtime ×20' }] },
  },
  {
    scenario: 'create-start-stop-rm', label: 'create/start/stop/rm over the API', bound: 0.6, atLeast: false, tried: START_TRIED,
    floor: { combine: 'sum', parts: [{ scenario: 'floor/api-create-start-stop-rm', what: 'HTTP client' }, { scenario: 'floor/create-start-stop-rm', what: 'containerd/shim/runtime' }] },
  },
  {
    scenario: 'exec', label: 'docker exec', bound: 0.7, atLeast: false, tried: 'FIFO pool, cached snapshot mounts, DeleteProcess in the background',
    floor: { combine: 'sum', parts: [{ scenario: 'floor/cli-exec', what: 'CLI' }, { scenario: 'floor/exec', what: 'containerd/shim/runtime' }] },
  },
  { scenario: 'memory-100-running', label: 'memory, 100 running (daemon + containerd + shims)', bound: 0.5, atLeast: false, tried: 'shim groups of 20, the host\'s sleep as anchor, busybox cat as the log copier (~50 KiB private each), a relay that waits for a congested attach client (it was fed past it: 60+ MiB of berthd heap after the stream scenarios)' },
  {
    scenario: 'memory-idle', label: 'memory idle', bound: 1.0, atLeast: false,
    tried: 'one V8 worker thread (bin/berthd --v8-pool-size=1: −6 MiB), 1 MiB V8 semi-spaces, lazy builder, ws and registry client, a compacting GC after 10 s idle, containerd without CRI (unused plugins), the managed containerd at GOGC=25 (−5 MiB after an image load), --optimize-for-size (−5 MiB but +12–20 % CPU per request: not taken)',
    floor: { combine: 'sum', parts: [{ scenario: 'floor/memory-idle-node', what: 'bare node' }, { scenario: 'floor/memory-idle-containerd', what: 'containerd' }] },
  },
  { scenario: 'logs-200MB', label: 'docker logs of 200 MB', bound: 1.5, atLeast: true, tried: 'byte-wise json-file decoder into an arena, one write per 256 KiB block' },
  {
    scenario: 'stdin-cat-100MB', label: 'stdin through cat, 100 MB', bound: 2.0, atLeast: true,
    tried: 'escaper and whole-line records as a WebAssembly loop, records written from its memory, attach frames without a copy (2.05–2.22 at load 6–11, 1.35–1.50 at load 13–24: one JS thread against the goroutines of dockerd; next: a worker thread for the log)',
    floor: { combine: 'min', parts: [{ scenario: 'floor/cli-stdin-cat-100MB', what: 'CLI' }, { scenario: 'floor/stdin-cat-100MB', what: 'shim + cat' }] },
  },
  { scenario: 'attach-out-200MB', label: 'attach output 200 MB', bound: 1.5, atLeast: true, tried: '' },
  { scenario: 'list-100-req/s', label: 'list req/s', bound: 2.0, atLeast: true, tried: '' },
  { scenario: 'inspect-req/s', label: 'inspect req/s', bound: 1.5, atLeast: true, tried: '' },
  { scenario: 'ping-req/s', label: 'ping req/s', bound: 1.0, atLeast: true, tried: '' },
];

/** Every scenario the table needs, in run order: each floor right after the scenario it bounds (similar load). */
export const TARGET_SCENARIOS: string[] = TARGETS.flatMap((t) => [t.scenario, ...(t.floor?.parts.map((p) => p.scenario) ?? [])]);

/** The floor scenarios of a target scenario (none for the others). */
export function floorParts(scenario: string): string[] {
  return TARGETS.find((t) => t.scenario === scenario)?.floor?.parts.map((p) => p.scenario) ?? [];
}

/** A target's floor from one sample of each part (undefined when a part is missing). */
export function floorValue(scenario: string, values: Map<string, number>): number | undefined {
  const f = TARGETS.find((t) => t.scenario === scenario)?.floor;
  if (!f) return undefined;
  const vs = f.parts.map((p) => values.get(p.scenario));
  if (vs.some((v) => v === undefined)) return undefined;
  return f.combine === 'sum' ? vs.reduce((a, b) => a! + b!, 0)! : Math.min(...(vs as number[]));
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const num = (v: number): string => (v >= 100 ? v.toFixed(0) : v.toFixed(1));

/**
 * The floor of an unmet target, in words: "floor = CLI 61 ms + containerd/shim/runtime 70 ms = 131 ms
 * → best possible 0.78 (0.70–0.85)". The best possible ratio is the median of the per-iteration
 * ratios floor/dockerd when the floor ran inside the scenario, else floor median / dockerd median.
 */
function floorText(t: Target, r: TargetRow, rows: Map<string, TargetRow>, dockerd: number): string {
  if (!t.floor) return '';
  const parts = t.floor.parts.map((p) => ({ ...p, v: rows.get(p.scenario)?.medians.get('berthd') }));
  const missing = parts.filter((p) => p.v === undefined).map((p) => p.scenario);
  if (missing.length) return `floor not measured (run ${missing.join(', ')})`;
  const unit = rows.get(t.floor.parts[0]!.scenario)!.unit;
  const vs = parts.map((p) => p.v!);
  const z = t.floor.combine === 'sum' ? vs.reduce((a, b) => a + b, 0) : Math.min(...vs);
  const paired = r.floorRatios.length > 0;
  const best = paired ? median(r.floorRatios) : z / dockerd;
  const spread = paired && r.floorRatios.length > 1 ? ` (${Math.min(...r.floorRatios).toFixed(2)}–${Math.max(...r.floorRatios).toFixed(2)})` : '';
  const terms = parts.map((p) => `${p.what} ${num(p.v!)} ${unit}`);
  const expr = t.floor.combine === 'sum' ? `${terms.join(' + ')} = ${num(z)} ${unit}` : `min(${terms.join(', ')}) = ${num(z)} ${unit}`;
  const reachable = t.atLeast ? best >= t.bound : best <= t.bound;
  const kind = t.floor.combine === 'sum' ? 'floor' : 'ceiling';
  return `${kind} = ${expr} (medians) → best possible ${best.toFixed(2)}${spread}: ${reachable ? `the target is reachable above this ${kind}` : `the ${kind} alone misses the target`}`;
}

export function targetTable(rows: Map<string, TargetRow>): string[] {
  const header = ['scenario', 'berthd/dockerd now (median, spread)', 'target', 'met?'];
  const lines: string[][] = [];
  const notes: string[] = [];
  for (const t of TARGETS) {
    const r = rows.get(t.scenario);
    if (!r) continue;
    const target = `${t.atLeast ? '≥' : '≤'} ${t.bound.toFixed(1)}${t.atLeast ? '×' : ''}`;
    if (!r.ratios.length) { lines.push([t.scenario, 'n/a', target, '?']); continue; }
    const m = median(r.ratios);
    const met = t.atLeast ? m >= t.bound : m <= t.bound;
    lines.push([t.scenario, `${m.toFixed(2)} (${Math.min(...r.ratios).toFixed(2)}–${Math.max(...r.ratios).toFixed(2)})`, target, met ? 'yes' : 'NO']);
    if (!met) {
      const dockerd = r.medians.get('dockerd');
      const floor = dockerd === undefined ? '' : floorText(t, r, rows, dockerd);
      notes.push(`- ${t.scenario} (${t.label}): ${floor || 'no floor scenario'}${t.tried ? `; tried: ${t.tried}` : ''}`);
    }
  }
  if (!lines.length) return [];
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const out = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [
    '',
    "Issue 15's targets (ratios berthd/dockerd; times and memory: lower is better, rates: higher):",
    out(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...lines.map(out),
    ...(notes.length ? ['', 'Not met, with the floor measured in this run (berthd engine, without berthd):', ...notes] : []),
  ];
}
