import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { JsonFileWriter } from '../logger/json-file-writer.js';
import { OutputRelay, recoverPosition, relayFiles } from './output-relay.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-relay-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

let n = 0;
function fifo(): string {
  const dir = path.join(tmp, String(++n));
  fs.mkdirSync(dir);
  const f = path.join(dir, 'init-stdout');
  assert.equal(spawnSync('mkfifo', [f]).status, 0);
  return f;
}

/** The "log" texts of a json-file log, concatenated. */
function logged(log: string): string {
  return fs.readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { log: string }).log).join('');
}

function record(text: string, stream = 'stdout'): string {
  return `${JSON.stringify({ log: text, stream, time: '2026-01-01T00:00:00Z' })}\n`;
}

// A berthd stand-in: relay → sync json-file writer, as the daemon wires them.
const CONSUMER = `
const [relayMod, writerMod, fifo, log] = process.argv.slice(2);
const { OutputRelay } = await import(relayMod);
const { JsonFileWriter } = await import(writerMod);
const relay = new OutputRelay(fifo, { startCopier: true });
const w = new JsonFileWriter(log, { sync: true });
void relay.pump((c) => { w.write('stdout', c); return undefined; }, { path: log, stream: 'stdout' }).then(() => w.close());
process.stdout.write('ready\\n');
`;

describe('output relay', () => {
  test('a consumer killed with -9 again and again while a container writes flat out: no line lost or written twice', async () => {
    const f = fifo();
    const log = path.join(path.dirname(f), 'log.json');
    const script = path.join(path.dirname(f), 'consumer.mjs');
    fs.writeFileSync(script, CONSUMER);
    const mods = [new URL('./output-relay.js', import.meta.url).href, new URL('../logger/json-file-writer.js', import.meta.url).href];
    const start = async (): Promise<ChildProcess> => {
      const p = spawn(process.execPath, [script, ...mods, f, log], { stdio: ['ignore', 'pipe', 'inherit'] });
      await once(p.stdout!, 'data');
      return p;
    };
    const LINES = 150_000;
    let consumer = await start();
    // holding a read end too, as the shim does: the writer never sees EPIPE while no consumer runs
    // ...and keeping it open once done (a container still running), until killed
    const writer = spawn('sh', ['-c', `exec 3<>"$0"; i=0; while [ $i -lt ${LINES} ]; do echo line-$i >&3; i=$((i+1)); done; : >"$0.done"; exec sleep 600`, f], { stdio: 'ignore' });
    const writerDone = once(writer, 'exit');
    let kills = 0;
    while (!fs.existsSync(`${f}.done`) && kills < 40) {
      await new Promise((r) => setTimeout(r, 10 + Math.random() * 100));
      if (consumer.exitCode === null) {
        consumer.kill('SIGKILL');
        await once(consumer, 'exit');
      }
      kills++;
      consumer = await start();
    }
    writer.kill();
    await writerDone;
    if (consumer.exitCode === null) await once(consumer, 'exit'); // the copier saw EOF: drained and ended
    assert.ok(kills >= 3, `killed ${kills} times while the writer wrote`);
    const lines = logged(log).split('\n');
    assert.equal(lines.pop(), '');
    assert.equal(lines.length, LINES);
    lines.forEach((l, i) => { if (l !== `line-${i}`) assert.fail(`line ${i} is ${JSON.stringify(l)}`); });
  });

  test('an unterminated line reaches the sink at once (a prompt) and the log when the output ends', async () => {
    const f = fifo();
    const log = path.join(path.dirname(f), 'log.json');
    const relay = new OutputRelay(f, { startCopier: true });
    const w = new JsonFileWriter(log, { sync: true });
    const seen: string[] = [];
    let got: () => void = () => undefined;
    const first = new Promise<void>((r) => { got = r; });
    const done = relay.pump((c) => { w.write('stdout', c); seen.push(c.toString()); got(); return undefined; }, { path: log, stream: 'stdout' });
    const fd = fs.openSync(f, fs.constants.O_WRONLY);
    fs.writeSync(fd, 'a\nprompt> ');
    await first;
    while (seen.join('') !== 'a\nprompt> ') await new Promise((r) => setTimeout(r, 20));
    assert.equal(logged(log), 'a\n');
    fs.writeSync(fd, 'yes');
    fs.closeSync(fd);
    await done;
    await w.close();
    assert.equal(logged(log), 'a\nprompt> yes');
  });

  test('while the sink waits (a congested client) new output does not reach it, however often the spool changes', { timeout: 30_000 }, async () => {
    const f = fifo();
    const relay = new OutputRelay(f, { startCopier: true });
    const chunks: string[] = [];
    let release: () => void = () => undefined;
    const congested = new Promise<void>((r) => { release = r; });
    let gotFirst: () => void = () => undefined;
    const first = new Promise<void>((r) => { gotFirst = r; });
    const done = relay.pump((c) => {
      chunks.push(c.toString());
      gotFirst();
      return chunks.length === 1 ? congested : undefined;
    });
    const fd = fs.openSync(f, fs.constants.O_WRONLY);
    fs.writeSync(fd, 'first\n');
    await first;
    // more output, in several writes: each is a spool change that used to wake the relay
    for (let i = 0; i < 20; i++) {
      fs.writeSync(fd, `more-${i}\n`);
      await new Promise((r) => setTimeout(r, 15));
    }
    await new Promise((r) => setTimeout(r, 300)); // past the relay's poll too
    assert.deepEqual(chunks, ['first\n'], 'nothing handed over while the sink waits');
    release();
    fs.closeSync(fd);
    await done;
    assert.equal(chunks.join(''), `first\n${Array.from({ length: 20 }, (_, i) => `more-${i}\n`).join('')}`);
  });

  test('a large backlog is handed over in slices with the event loop running between them', { timeout: 30_000 }, async () => {
    const f = fifo();
    const relay = new OutputRelay(f, { startCopier: true });
    const total = 8 * 1024 * 1024;
    let bytes = 0;
    let ticks = 0;
    let slicesSeen = 0;
    let lastTick = -1;
    const timer = setInterval(() => { ticks++; }, 0);
    const done = relay.pump((c) => {
      bytes += c.length;
      if (ticks !== lastTick) { slicesSeen++; lastTick = ticks; }
      return undefined;
    });
    // the whole backlog is spooled before the relay reads (the copier runs while nothing reads)
    const writer = spawn('sh', ['-c', `head -c ${total} /dev/zero | tr '\\0' x > "$0"`, f], { stdio: 'ignore' });
    await once(writer, 'exit');
    await done;
    clearInterval(timer);
    assert.equal(bytes, total);
    assert.ok(slicesSeen >= 4, `timers ran between slices: ${slicesSeen} slices for ${total} bytes`);
  });

  test('restart recovery: a whole batch is kept, a missing one redone, a torn one cut off and redone', () => {
    const f = fifo();
    const files = relayFiles(f);
    const log = path.join(path.dirname(f), 'log.json');
    const spool = 'one\ntwo\nthree\n';
    fs.writeFileSync(files.spool, spool);
    const before = record('one\n');
    const journal = (a: number, b: number, l: number): void => fs.writeFileSync(files.journal, `${a} ${b} ${l}\n`);

    // logged up to 4, then "two\nthree\n" [4, 14) was being appended at the log's size
    journal(4, 14, before.length);
    fs.writeFileSync(log, before + record('two\n') + record('three\n'));
    assert.equal(recoverPosition(files, { path: log, stream: 'stdout' }), 14, 'whole: resume after it');

    fs.writeFileSync(log, before);
    assert.equal(recoverPosition(files, { path: log, stream: 'stdout' }), 4, 'not written: write it');

    const torn = before + record('two\n') + record('three\n').slice(0, 12);
    fs.writeFileSync(log, torn);
    assert.equal(recoverPosition(files, { path: log, stream: 'stdout' }), 4, 'torn: write it again');
    assert.equal(fs.readFileSync(log, 'utf8'), before, 'the torn batch is cut off');

    // a stderr record after the batch counts for stderr only
    fs.writeFileSync(log, before + record('two\n') + record('three\n'));
    journal(14, 14, 0);
    assert.equal(recoverPosition(files, { path: log, stream: 'stdout' }), 14, 'committed');
    journal(20, 20, 0);
    assert.equal(recoverPosition(files, { path: log, stream: 'stdout' }), 0, 'the spool was truncated after the journal');
  });
});
