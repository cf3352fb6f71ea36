// `npm run compat`: berthd and a reference dockerd side by side, the same requests to both, every
// difference reported (test/compat/REPORT.md and stdout) unless the allowlist explains it.
// Exit status: 0 no open differences, 1 open differences, 2 the harness itself failed.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pack } from 'tar-stream';
import { buildBusyboxImage } from '../fixtures/busybox-image.js';
import { judge, parseAllowlist, type Difference } from './allowlist.js';
import { buildCases, VERSIONS_FOR_DOCS, type CaseInputs } from './cases.js';
import type { ApiCase, Case, CliCase, Step } from './case-types.js';
import { compareAnswers, compareCli } from './compare.js';
import { servedRoutes } from './coverage.js';
import { docCases } from './docs-cases.js';
import { loadDocExamples } from './doc-examples.js';
import { dockerdAvailable, startPair, type CompatEngine, type EnginePair } from './engines.js';
import { IMAGE, SCENARIO } from './fixtures.js';
import { send, type Answer } from './http.js';
import { renderReport } from './report.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** the sources' folder (dist/test/compat → test/compat), where the allowlist lives and the report goes */
const srcDir = path.resolve(here, '../../../test/compat');
const DOCS_DIR = process.env.COMPAT_DOCS ?? '/work/shared/reference/api';
const REQUEST_TIMEOUT_MS = 20_000;
const STREAM_TIMEOUT_MS = 1_500;

type Vars = Map<string, string>;

/** Resolves `{id:NAME}`, `{id12:NAME}`, `{img:REF}`, `{var:NAME}` against one engine. */
async function resolve(e: CompatEngine, text: string, vars: Vars): Promise<string> {
  let out = text;
  for (const m of [...text.matchAll(/\{(id|id12|img|var):([^}]+)\}/g)]) {
    let value = '';
    if (m[1] === 'var') value = vars.get(m[2]!) ?? `unset-${m[2]}`;
    else {
      const what = m[1] === 'img' ? `/images/${m[2]}/json` : `/containers/${m[2]}/json`;
      const r = await send(e.socket, { method: 'GET', path: what, timeoutMs: REQUEST_TIMEOUT_MS });
      const id = r.status === 200 ? String((JSON.parse(r.body.toString()) as { Id?: string }).Id ?? '') : `missing-${m[2]}`;
      value = m[1] === 'id12' ? id.slice(0, 12) : id;
    }
    out = out.replace(m[0], value);
  }
  return out;
}

interface StepResult { code: number; stdout: string; stderr: string; cut: boolean }

async function runStep(e: CompatEngine, step: Step, vars: Vars): Promise<StepResult> {
  if ('cli' in step) {
    const args = await Promise.all(step.cli.map((a) => resolve(e, a, vars)));
    return e.cli(args, step.input === undefined ? {} : { input: step.input });
  }
  const body = step.api.body === undefined ? undefined : await resolve(e, JSON.stringify(step.api.body), vars);
  const r = await send(e.socket, {
    method: step.api.method, path: await resolve(e, step.api.path, vars), timeoutMs: REQUEST_TIMEOUT_MS,
    ...(body === undefined ? {} : { body, headers: { 'Content-Type': 'application/json' } }),
  });
  if (step.save && r.status < 300) {
    try { vars.set(step.save, String((JSON.parse(r.body.toString()) as { Id?: string }).Id)); } catch { /* compared below */ }
  }
  // an API step's answer is compared like a CLI result: the status as the "exit code"
  return { code: r.status, stdout: '', stderr: r.status >= 300 ? r.body.toString() : '', cut: r.cut };
}

async function runSteps(e: CompatEngine, steps: Step[] | undefined, vars: Vars): Promise<StepResult[]> {
  const out: StepResult[] = [];
  for (const s of steps ?? []) out.push(await runStep(e, s, vars));
  return out;
}

function stepLabel(s: Step): string {
  return 'cli' in s ? `docker ${s.cli.join(' ')}` : `${s.api.method} ${s.api.path}`;
}

/** Runs a function against both engines at once and pairs the results. */
async function both<T>(pair: EnginePair, fn: (e: CompatEngine) => Promise<T>): Promise<[T, T]> {
  return Promise.all([fn(pair.berthd), fn(pair.dockerd)]);
}

function stepDiffs(steps: Step[] | undefined, a: StepResult[], b: StepResult[]): string[] {
  return (steps ?? []).flatMap((s, i) => compareCli(a[i]!, b[i]!).map((t) => `setup step "${stepLabel(s)}": ${t}`));
}

async function runApiCase(pair: EnginePair, c: ApiCase, version: string): Promise<string[]> {
  const vars: [Vars, Vars] = [new Map(), new Map()];
  const setup = await Promise.all([runSteps(pair.berthd, c.setup, vars[0]), runSteps(pair.dockerd, c.setup, vars[1])]);
  const diffs = stepDiffs(c.setup, setup[0], setup[1]);
  try {
    const ask = async (e: CompatEngine, v: Vars): Promise<Answer> => {
      const p = await resolve(e, c.path, v);
      const body = c.raw ?? (c.json === undefined ? undefined : await resolve(e, JSON.stringify(c.json), v));
      const headers = { ...(c.json !== undefined ? { 'Content-Type': 'application/json' } : {}), ...(c.headers ?? {}) };
      return send(e.socket, {
        method: c.method, path: version ? `/v${version}${p}` : p, headers, timeoutMs: c.timeoutMs ?? (c.stream ? STREAM_TIMEOUT_MS : REQUEST_TIMEOUT_MS),
        ...(body === undefined ? {} : { body }),
      });
    };
    const [a, b] = await Promise.all([ask(pair.berthd, vars[0]), ask(pair.dockerd, vars[1])]);
    // a stream cut by our deadline is expected; a non-stream cut is itself a finding
    if (!c.stream && a.cut !== b.cut) diffs.push(`timed out after ${c.timeoutMs ?? REQUEST_TIMEOUT_MS} ms: berthd ${a.cut} / dockerd ${b.cut}`);
    diffs.push(...compareAnswers(a, b, { ...(c.values ? { values: c.values } : {}), ...(c.text ? { text: c.text } : {}) }));
  } finally {
    await Promise.all([runSteps(pair.berthd, c.teardown, vars[0]), runSteps(pair.dockerd, c.teardown, vars[1])]);
  }
  return diffs;
}

async function runCliCase(pair: EnginePair, c: CliCase): Promise<string[]> {
  const vars: [Vars, Vars] = [new Map(), new Map()];
  const setup = await Promise.all([runSteps(pair.berthd, c.setup, vars[0]), runSteps(pair.dockerd, c.setup, vars[1])]);
  const diffs = stepDiffs(c.setup, setup[0], setup[1]);
  try {
    const opts = { timeoutMs: c.timeoutMs ?? 30_000, ...(c.input === undefined ? {} : { input: c.input }) };
    const [a, b] = await both(pair, (e) => e.cli(c.args, opts));
    diffs.push(...compareCli(a, b, c.numbers ? { numbers: true } : {}));
  } finally {
    await Promise.all([runSteps(pair.berthd, c.teardown, vars[0]), runSteps(pair.dockerd, c.teardown, vars[1])]);
  }
  return diffs;
}

function rootfsTar(): Promise<Buffer> {
  return new Promise((ok, fail) => {
    const p = pack();
    const chunks: Buffer[] = [];
    p.on('data', (c: unknown) => chunks.push(c as Buffer));
    p.on('end', () => ok(Buffer.concat(chunks)));
    p.on('error', fail);
    p.entry({ name: 'hello.txt', mode: 0o644 }, 'hello from an imported layer\n');
    p.finalize();
  });
}

async function main(): Promise<number> {
  if (!dockerdAvailable()) {
    console.error('compat: no dockerd on PATH (npm run compat installs Debian docker.io through bench/setup.sh)');
    return 2;
  }
  const t0 = Date.now();
  const allowlist = parseAllowlist(fs.readFileSync(path.join(srcDir, 'allowlist.json'), 'utf8'));
  const root = fs.mkdtempSync(path.join('/tmp', 'compat-'));
  let pair: EnginePair | undefined;
  const onSignal = (sig: NodeJS.Signals): void => {
    console.error(`compat: ${sig}, stopping the engines`);
    void (pair?.stopAll() ?? Promise.resolve()).finally(() => { fs.rmSync(root, { recursive: true, force: true }); process.exit(2); });
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const tarPath = path.join(root, 'busybox.tar');
    await buildBusyboxImage(tarPath);
    const inputs: CaseInputs = { imageTar: fs.readFileSync(tarPath), rootfsTar: await rootfsTar() };
    pair = await startPair(root);
    const p = pair;
    const loaded = await both(p, (e) => e.cli(['load', '-i', tarPath]));
    loaded.forEach((r, i) => { if (r.code !== 0) throw new Error(`${i ? 'dockerd' : 'berthd'}: docker load failed: ${r.stderr}`); });

    const diffs: Difference[] = [];
    const scen = await both(p, (e) => runSteps(e, SCENARIO, new Map()));
    for (const t of stepDiffs(SCENARIO, scen[0], scen[1])) diffs.push({ route: 'scenario', name: 'setup', version: '-', text: t });

    const docs = docCases(loadDocExamples(DOCS_DIR, VERSIONS_FOR_DOCS), inputs);
    const all: Case[] = buildCases(inputs);
    // doc examples after our own API cases and before the CLI ones (which read the end state)
    const firstCli = all.findIndex((c) => c.kind === 'cli');
    all.splice(firstCli, 0, ...docs.cases);
    const only = process.env.COMPAT_ONLY ? new RegExp(process.env.COMPAT_ONLY) : undefined;
    let exchanges = 0;
    let ran = 0;
    for (const c of all) {
      if (only && !only.test(`${c.route} ${c.name}`)) continue;
      ran++;
      const versions = c.kind === 'api' ? c.versions : ['-'];
      for (const v of versions) {
        exchanges++;
        let texts: string[];
        try {
          texts = c.kind === 'api' ? await runApiCase(p, c, v) : await runCliCase(p, c);
        } catch (err) {
          texts = [`harness error: ${(err as Error).message}`];
        }
        for (const text of texts) diffs.push({ route: c.route, name: c.name, version: v, text, ...(c.kind === 'api' && c.source ? { source: c.source } : {}) });
        if (process.env.COMPAT_VERBOSE) console.error(`${c.route} · ${c.name} @ ${v || 'latest'}: ${texts.length} differences`);
      }
    }
    // a case may have left the image set changed: the image must still be there in both
    const after = await both(p, (e) => e.cli(['image', 'inspect', '--format', '{{.Id}}', IMAGE]));
    for (const t of compareCli(after[0], after[1])) diffs.push({ route: 'scenario', name: 'image still present at the end', version: '-', text: t });

    const covered = new Set(all.map((c) => c.route));
    const summary = {
      judged: judge(diffs, allowlist),
      engines: 'berthd (this tree) vs dockerd 20.10 (Debian docker.io), same docker CLI',
      seconds: (Date.now() - t0) / 1000, cases: ran, exchanges,
      uncoveredRoutes: servedRoutes().filter((r) => !covered.has(r)),
      skippedDocs: docs.skipped.map((d) => `v${d.version} ${d.method} ${d.path}`),
    };
    const report = renderReport(summary);
    const out = process.env.COMPAT_REPORT ?? path.join(srcDir, 'REPORT.md');
    fs.writeFileSync(out, report);
    console.log(report);
    console.log(`report written to ${out}`);
    return summary.judged.open.length ? 1 : 0;
  } finally {
    await pair?.stopAll();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code), (err: unknown) => {
  console.error(`compat failed: ${(err as Error).stack ?? String(err)}`);
  process.exit(2);
});
