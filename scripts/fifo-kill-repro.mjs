#!/usr/bin/env node
// Measures what a kill -9 of the process that logs a FIFO loses: a shell writes LINES numbered lines
// into a FIFO as fast as it can while a consumer (FIFO → sync json-file writer, as berthd wires it) is
// killed KILLS times and restarted; then the log is checked line by line.
//   node scripts/fifo-kill-repro.mjs direct   # the consumer reads the FIFO itself (berthd before the relay)
//   node scripts/fifo-kill-repro.mjs relay    # through src/logrelay (copier → spool → journal)
// Run `npm run build` first. Env: LINES (300000), KILLS (30).
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const mode = process.argv[2] === 'direct' ? 'direct' : 'relay';
const dist = new URL('../dist/src/', import.meta.url).href;
const LINES = Number(process.env.LINES ?? 300_000);
const KILLS = Number(process.env.KILLS ?? 30);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-fifo-kill-'));
const fifo = path.join(dir, 'init-stdout');
const log = path.join(dir, 'log.json');
spawnSync('mkfifo', [fifo]);
const consumer = path.join(dir, 'consumer.mjs');
fs.writeFileSync(consumer, `
const { JsonFileWriter } = await import('${dist}logger/json-file-writer.js');
const w = new JsonFileWriter('${log}', { sync: true });
if ('${mode}' === 'direct') {
  const { openExistingFifos } = await import('${dist}runtime/containerd/fifo-io.js');
  const f = await openExistingFifos({ stdin: '', stdout: '${fifo}', stderr: '', terminal: false });
  f.stdout.on('data', (c) => { w.write('stdout', c); });
} else {
  const { OutputRelay } = await import('${dist}logrelay/output-relay.js');
  const relay = new OutputRelay('${fifo}', { startCopier: true });
  void relay.pump((c) => { w.write('stdout', c); return undefined; }, { path: '${log}', stream: 'stdout' }).then(() => w.close());
}
process.stdout.write('ready\\n');
`);
const start = async () => {
  const p = spawn(process.execPath, [consumer], { stdio: ['ignore', 'pipe', 'inherit'] });
  await once(p.stdout, 'data');
  return p;
};
let c = await start();
const writer = spawn('sh', ['-c', `exec 3<>"$0"; i=0; while [ $i -lt ${LINES} ]; do echo line-$i >&3; i=$((i+1)); done; : >"$0.done"; exec sleep 600`, fifo], { stdio: 'ignore' });
let kills = 0;
while (!fs.existsSync(`${fifo}.done`) && kills < KILLS) {
  await new Promise((r) => setTimeout(r, 20 + Math.random() * 150));
  if (c.exitCode === null) { c.kill('SIGKILL'); await once(c, 'exit'); }
  kills++;
  c = await start();
}
while (!fs.existsSync(`${fifo}.done`)) await new Promise((r) => setTimeout(r, 100));
writer.kill();
await new Promise((r) => setTimeout(r, 2000)); // the last consumer drains what is left
if (c.exitCode === null) { c.kill('SIGKILL'); await once(c, 'exit'); }
let text = '';
let damaged = 0;
for (const l of fs.readFileSync(log, 'utf8').split('\n').filter(Boolean)) {
  try { text += JSON.parse(l).log; } catch { damaged++; }
}
const lines = text.split('\n');
lines.pop();
let lost = 0, duplicated = 0, broken = 0, next = 0;
for (const l of lines) {
  const m = /^line-(\d+)$/.exec(l);
  if (!m) { broken++; continue; }
  const k = Number(m[1]);
  if (k > next) lost += k - next; else if (k < next) duplicated++;
  next = k + 1;
}
lost += LINES - next;
console.log(JSON.stringify({ mode, lines: LINES, kills, logged: lines.length, lost, duplicated, broken, damagedRecords: damaged }));
fs.rmSync(dir, { recursive: true, force: true });
