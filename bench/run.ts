// `npm run bench -- [scenario...]`: berthd against a reference dockerd (when installed), scenarios
// interleaved A B A B after a warm-up, medians per engine and the median of pairwise ratios.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildBusyboxImage } from '../test/fixtures/busybox-image.js';
import { dockerdAvailable, startBerth, startDockerd, type Engine } from './engines.js';
import { docker, SCENARIOS, type Scenario } from './scenarios.js';

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

interface Row { scenario: Scenario; samples: Map<string, number[]>; ratios: number[]; error?: string }

async function runScenario(s: Scenario, engines: Engine[]): Promise<Row> {
  const row: Row = { scenario: s, samples: new Map(engines.map((e) => [e.name, []])), ratios: [] };
  for (const e of engines) await s.prepare?.(e);
  try {
    for (let i = 0; i < s.warmup; i++) for (const e of engines) await s.sample(e);
    for (let i = 0; i < s.iterations; i++) {
      const pair: number[] = [];
      for (const e of engines) {
        const v = await s.sample(e);
        row.samples.get(e.name)!.push(v);
        pair.push(v);
      }
      if (pair.length === 2) row.ratios.push(pair[0]! / pair[1]!);
    }
  } finally {
    for (const e of engines) await s.cleanup?.(e).catch(() => undefined);
  }
  return row;
}

/** A scenario an engine cannot do yet (berthd: exec) is reported, not fatal. */
async function runScenarioPerEngine(s: Scenario, engines: Engine[]): Promise<Row> {
  try {
    return await runScenario(s, engines);
  } catch (err) {
    const ok: Engine[] = [];
    const errors: string[] = [];
    for (const e of engines) {
      try { await runScenario({ ...s, iterations: 1, warmup: 0 }, [e]); ok.push(e); } catch (inner) { errors.push(`${e.name}: ${(inner as Error).message.split('\n')[0]}`); }
    }
    if (ok.length === engines.length) throw err;
    const row = ok.length ? await runScenario(s, ok) : { scenario: s, samples: new Map<string, number[]>(), ratios: [] };
    row.error = errors.join('; ');
    return row;
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
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !SCENARIOS.some((s) => s.name === w));
  if (unknown.length) throw new Error(`unknown scenario(s) ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  const scenarios = wanted.length ? SCENARIOS.filter((s) => wanted.includes(s.name)) : SCENARIOS;
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
    for (const s of scenarios) {
      const t0 = Date.now();
      rows.push(await runScenarioPerEngine(s, engines));
      console.error(`  ${s.name} done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
    printTable(rows, engines);
  } finally {
    for (const e of engines) await e.stop().catch((err: unknown) => console.error(`stopping ${e.name}: ${String(err)}`));
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(`bench failed: ${(err as Error).stack ?? String(err)}`);
  process.exit(1);
});
