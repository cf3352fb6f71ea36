// `npm run bench -- [scenario...|all]`: berthd against a reference dockerd (when installed), scenarios
// interleaved A B A B after a warm-up, medians per engine and the median of pairwise ratios, then
// issue 15's target table (targets.ts). Without arguments: the scenarios of that table and their floors.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildBusyboxImage } from '../test/fixtures/busybox-image.js';
import { dockerdAvailable, startBerth, startDockerd, type Engine } from './engines.js';
import { docker, SCENARIOS, type Scenario } from './scenarios.js';
import { floorParts, floorValue, targetTable, TARGET_SCENARIOS, type TargetRow } from './targets.js';

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

interface Row {
  scenario: Scenario;
  samples: Map<string, number[]>;
  ratios: number[];
  /** per iteration: the floor measured right after both engines (targets.ts), over dockerd's sample */
  floorRatios: number[];
  error?: string;
}

const engineRow = (s: Scenario, engines: Engine[]): Row => ({ scenario: s, samples: new Map(engines.map((e) => [e.name, []])), ratios: [], floorRatios: [] });
const enginesOf = (s: Scenario, all: Engine[]): Engine[] => (s.only ? all.filter((e) => e.name === s.only) : all);

/**
 * One scenario, its engines interleaved; `companions` (its floor scenarios) take their samples in
 * the same iterations, right after the engines, so the floor sees the same machine load.
 */
async function runScenario(s: Scenario, all: Engine[], companions: Scenario[] = []): Promise<Row[]> {
  const engines = enginesOf(s, all);
  const row = engineRow(s, engines);
  const others = companions.map((c) => ({ c, engines: enginesOf(c, all), row: engineRow(c, enginesOf(c, all)) }));
  const prepared: Array<[Scenario, Engine]> = [];
  try {
    for (const e of engines) { prepared.push([s, e]); await s.prepare?.(e); }
    for (const o of others) for (const e of o.engines) { prepared.push([o.c, e]); await o.c.prepare?.(e); }
    for (let i = 0; i < s.warmup; i++) {
      for (const e of engines) await s.sample(e);
      for (const o of others) for (const e of o.engines) await o.c.sample(e);
    }
    for (let i = 0; i < s.iterations; i++) {
      const pair: number[] = [];
      for (const e of engines) {
        const v = await s.sample(e);
        row.samples.get(e.name)!.push(v);
        pair.push(v);
      }
      if (pair.length === 2) row.ratios.push(pair[0]! / pair[1]!);
      const values = new Map<string, number>();
      for (const o of others) {
        for (const e of o.engines) {
          const v = await o.c.sample(e);
          o.row.samples.get(e.name)!.push(v);
          values.set(o.c.name, v);
        }
      }
      const floor = floorValue(s.name, values);
      if (floor !== undefined && pair.length === 2) row.floorRatios.push(floor / pair[1]!);
    }
  } finally {
    for (const [sc, e] of prepared.reverse()) await sc.cleanup?.(e).catch(() => undefined);
  }
  return [row, ...others.map((o) => o.row)];
}

/** A scenario an engine cannot do yet (berthd: exec) is reported, not fatal. */
async function runScenarioPerEngine(s: Scenario, engines: Engine[], companions: Scenario[] = []): Promise<Row[]> {
  try {
    return await runScenario(s, engines, companions);
  } catch (err) {
    if (companions.length) {
      // without its floors, then each floor on its own (so a failing floor costs only itself)
      console.error(`  ${s.name} with its floors failed (${(err as Error).message.split('\n')[0]}): running them separately`);
      const rows = await runScenarioPerEngine(s, engines);
      for (const c of companions) rows.push(...await runScenarioPerEngine(c, engines));
      return rows;
    }
    const ok: Engine[] = [];
    const errors: string[] = [];
    for (const e of enginesOf(s, engines)) {
      try { await runScenario({ ...s, iterations: 1, warmup: 0 }, [e]); ok.push(e); } catch (inner) { errors.push(`${e.name}: ${(inner as Error).message.split('\n')[0]}`); }
    }
    if (ok.length === enginesOf(s, engines).length) throw err;
    const row = ok.length ? (await runScenario(s, ok))[0]! : engineRow(s, []);
    row.error = errors.join('; ');
    return [row];
  }
}

function fmt(v: number | undefined, unit: string): string {
  if (v === undefined || Number.isNaN(v)) return 'n/a';
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${unit}`;
}

function printTable(rows: Row[], engines: Engine[]): void {
  const withRef = engines.length === 2;
  const header = ['scenario', ...engines.map((e) => e.name), ...(withRef ? ['berthd/dockerd (median)', 'ratio spread'] : [])];
  const lines = rows.map((r) => {
    const cells = [r.scenario.name, ...engines.map((e) => {
      const xs = r.samples.get(e.name) ?? [];
      return xs.length ? `${fmt(median(xs), r.scenario.unit)} (${fmt(Math.min(...xs), '')}–${fmt(Math.max(...xs), '')})`.replace(/ \)/g, ')').replace(/ –/g, '–') : 'n/a';
    })];
    if (withRef) {
      cells.push(r.ratios.length ? `${median(r.ratios).toFixed(2)}${r.scenario.higherIsBetter ? ' (higher is better)' : ''}` : 'n/a');
      cells.push(r.ratios.length ? `${Math.min(...r.ratios).toFixed(2)}–${Math.max(...r.ratios).toFixed(2)}` : '');
    }
    return cells;
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const out = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(out(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const l of lines) console.log(out(l));
  for (const r of rows) if (r.error) console.log(`note: ${r.scenario.name}: ${r.error}`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const wanted = args.includes('all') ? SCENARIOS.map((s) => s.name) : args.length ? args : TARGET_SCENARIOS;
  const unknown = wanted.filter((w) => !SCENARIOS.some((s) => s.name === w));
  if (unknown.length) throw new Error(`unknown scenario(s) ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  const scenarios = SCENARIOS.filter((s) => wanted.includes(s.name));
  const root = fs.mkdtempSync(path.join('/tmp', 'bench-'));
  const tar = path.join(root, 'busybox.tar');
  await buildBusyboxImage(tar);
  const engines: Engine[] = [];
  try {
    engines.push(await startBerth(path.join(root, 'berth')));
    if (dockerdAvailable()) engines.push(await startDockerd(path.join(root, 'docker')));
    else console.log('no dockerd on PATH (bench/setup.sh installs Debian docker.io): berthd numbers only');
    for (const e of engines) {
      const r = await docker(e, ['load', '-i', tar]);
      if (r.code !== 0) throw new Error(`${e.name}: docker load failed: ${r.stderr}`);
    }
    console.log(`# ${new Date().toISOString()} · ${os.cpus().length} CPUs, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB · ${engines.map((e) => e.name).join(' vs ')}`);
    const rows: Row[] = [];
    // a floor scenario runs inside the scenario it bounds when both are wanted
    const companionOf = new Map(scenarios.flatMap((s) => floorParts(s.name).filter((p) => wanted.includes(p)).map((p) => [p, s.name] as const)));
    for (const s of scenarios) {
      if (companionOf.has(s.name)) continue;
      const companions = scenarios.filter((c) => companionOf.get(c.name) === s.name);
      const t0 = Date.now();
      rows.push(...await runScenarioPerEngine(s, engines, companions));
      console.error(`  ${[s.name, ...companions.map((c) => c.name)].join(' + ')} done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
    printTable(rows, engines);
    const byName = new Map<string, TargetRow>(rows.map((r) => [r.scenario.name, {
      unit: r.scenario.unit, ratios: r.ratios, floorRatios: r.floorRatios,
      medians: new Map([...r.samples].filter(([, xs]) => xs.length).map(([name, xs]) => [name, median(xs)])),
    }]));
    for (const line of targetTable(byName)) console.log(line);
  } finally {
    for (const e of engines) await e.stop().catch((err: unknown) => console.error(`stopping ${e.name}: ${String(err)}`));
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(`bench failed: ${(err as Error).stack ?? String(err)}`);
  process.exit(1);
});
