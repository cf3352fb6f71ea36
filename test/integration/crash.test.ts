// Crash proof: berthd killed with -9 in the middle of create/start/rm churn, with containers writing
// logs as fast as a shell loop can; after the restart every container is there in its state, the
// running ones adopted with the same pid, not one log line lost or written twice, no ID reused.
// Then the same with its managed containerd killed with -9 under it. COUNTERS (10) sizes the loggers;
// `npm run soak` runs it at the scale (50) and prints the figures each test reports.
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Berthd, busyboxTar, cliAsserts, removeAllAndStop, skipReason, startBerthd, waitFor } from './harness.js';

const COUNTERS = Number(process.env.COUNTERS ?? 10);
// with the log relay, berthd's default (what proves no line is lost: a berthd reading the FIFOs itself
// loses what it had read and not yet written); LOG_RELAY=0 runs the same with --log-relay=false
const RELAY = process.env.LOG_RELAY !== '0';
const COUNTER = ['sh', '-c', 'i=0; while true; do echo line-$i; i=$((i+1)); usleep 10000; done'];
const FAST_LINES = 200_000;
const FAST = ['sh', '-c', `i=0; while [ $i -lt ${FAST_LINES} ]; do echo line-$i; i=$((i+1)); done`];

/** Create/start/force-remove as fast as the API answers (errors while a daemon is down are expected). */
function churn(d: Berthd, prefix: string, seenIds: Set<string>, seenNames: Set<string>): { count(): number; stop(): Promise<void> } {
  let on = true;
  let churned = 0;
  const loop = (async () => {
    for (let k = 0; on; k++) {
      seenNames.add(`${prefix}-${k}`);
      const r = await d.request('POST', `/containers/create?name=${prefix}-${k}`, { Image: 'busybox', Cmd: ['sleep', '30'] }).catch(() => undefined);
      if (!r || r.status !== 201) { await new Promise((res) => setTimeout(res, 20)); continue; }
      const id = (JSON.parse(r.body) as { Id: string }).Id;
      seenIds.add(id);
      await d.request('POST', `/containers/${id}/start`).catch(() => undefined);
      await d.request('DELETE', `/containers/${id}?force=1`).catch(() => undefined);
      churned++;
    }
  })();
  return { count: () => churned, stop: async () => { on = false; await loop; } };
}

/** One line per test for `npm run soak` to collect: `crash figures: {...}`. */
function report(t: { diagnostic(m: string): void }, figures: Record<string, number | string>): void {
  t.diagnostic(`crash figures: ${JSON.stringify(figures)}`);
}

/** The relay's pooled copiers still blocked opening their pool FIFO, i.e. idle (src/logrelay/copier-pool.ts). */
/** Waits for berthd to have started a containerd other than `old` (its pid file names it). */
async function newContainerd(pidFile: string, old: number): Promise<void> {
  await waitFor('a new containerd', async () => {
    try {
      const now = Number(fs.readFileSync(pidFile, 'utf8').trim());
      return now !== old && now > 0 && fs.existsSync(`/proc/${now}`);
    } catch { return false; }
  }, 60_000);
}

function idlePoolCopiers(d: Berthd): number[] {
  const pool = `${path.join(d.execRoot, 'fifo-pool-copiers')}/`;
  const out: number[] = [];
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      if (!fs.readFileSync(`/proc/${e}/cmdline`, 'utf8').split('\0').some((a) => a.startsWith(pool))) continue;
      if (fs.readFileSync(`/proc/${e}/wchan`, 'utf8') === 'wait_for_partner') out.push(Number(e));
    } catch { /* gone */ }
  }
  return out;
}

describe('crash: kill -9', { skip: skipReason, timeout: 600_000 }, () => {
  let d: Berthd;
  const { ok } = cliAsserts(() => d);
  const names = Array.from({ length: COUNTERS }, (_, i) => `counter-${i}`);
  const pids = new Map<string, string>();
  const seenIds = new Set<string>();
  const seenNames = new Set<string>(names);

  before(async () => {
    d = await startBerthd(RELAY ? [] : ['--log-relay=false']);
    await ok(['load', '-i', await busyboxTar()]);
  });

  after(() => removeAllAndStop(d));

  /** Lines of a counter's log: exactly line-0 … line-(n-1). Returns n. */
  const contiguous = async (name: string): Promise<number> => {
    const r = await d.docker(['logs', name]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n').filter((l, i, a) => l !== '' || i < a.length - 1);
    for (let i = 0; i < lines.length; i++) {
      if (lines[i] !== `line-${i}`) assert.fail(`${name}: line ${i} is ${JSON.stringify(lines[i])} (of ${lines.length}; lost or duplicated output)`);
    }
    return lines.length;
  };

  /** Waits until every counter wrote 5+ lines more than `before` (checking each log whole); total lines. */
  const moreOutput = async (before: Map<string, number>): Promise<number> => {
    let total = 0;
    await waitFor('more output in every counter\'s log', async () => {
      total = 0;
      for (const n of names) {
        const now = await contiguous(n);
        if (now <= before.get(n)! + 5) return false;
        total += now;
      }
      return true;
    }, 60_000);
    return total;
  };

  /** A new container gets neither an ID nor a name seen before. */
  const freshIdAndName = async (): Promise<void> => {
    const fresh = await ok(['create', 'busybox', 'true']);
    assert.equal(seenIds.has(fresh), false);
    const name = await ok(['inspect', '-f', '{{.Name}}', fresh]);
    assert.equal(seenNames.has(name.replace(/^\//, '')), false, name);
    await ok(['rm', fresh]);
  };

  test('berthd killed during churn: containers, states and every log line survive', async (t) => {
    for (const n of names) {
      const id = await ok(['run', '-d', '--name', n, 'busybox', ...COUNTER]);
      seenIds.add(id);
      pids.set(n, await ok(['inspect', '-f', '{{.State.Pid}}', n]));
      // its output goes through a relay (a spool beside the FIFO) exactly with the relay on (the default)
      const fifos = fs.readdirSync(path.join(d.execRoot, 'containers', id));
      assert.equal(fifos.some((f) => f.endsWith('-stdout.spool')), RELAY, `${n}: ${fifos.join(' ')}`);
    }
    const exited = await ok(['run', '--name', 'exited-3', 'busybox', 'sh', '-c', 'echo bye; exit 3']).catch(() => '');
    void exited;
    assert.equal(await ok(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'exited-3']), 'exited 3');
    await ok(['create', '--name', 'created-only', 'busybox', 'true']);

    // a writer as fast as the shell goes, still writing when berthd dies: 200,000 lines, exactly
    await ok(['run', '-d', '--name', 'fast', 'busybox', ...FAST]);
    seenNames.add('fast');
    // churn: create/start/remove as fast as the API answers, until berthd dies under it
    const churning = churn(d, 'churn', seenIds, seenNames);
    let idle: number[] = [];
    try {
      await waitFor('some churn', async () => churning.count() >= 5, 60_000);
      if (RELAY) idle = await waitFor('idle copiers in the relay pool', async () => { const p = idlePoolCopiers(d); return p.length > 0 && p; });
    } catch (err) {
      await churning.stop(); // a churn left running keeps the test process alive after the failure
      throw err;
    }
    await d.stop('SIGKILL');
    const t0 = Date.now();
    await churning.stop();
    await d.start();
    const restartMs = Date.now() - t0;
    // the dead berthd's idle copiers (they outlive it, blocked in open) are ended by the new one
    const ended = (pid: number): boolean => { try { return /\) [ZX] /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return true; } };
    for (const pid of idle) assert.ok(ended(pid), `idle copier ${pid} left behind`);

    for (const n of names) {
      assert.equal(await ok(['inspect', '-f', '{{.State.Status}} {{.State.Pid}}', n]), `running ${pids.get(n)}`, n);
    }
    assert.equal(await ok(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'exited-3']), 'exited 3');
    assert.equal(await ok(['logs', 'exited-3']), 'bye');
    assert.equal(await ok(['inspect', '-f', '{{.State.Status}}', 'created-only']), 'created');
    // a churn container caught mid-way is whole: inspectable, in a real state, and removable
    const all = (await ok(['ps', '-a', '--format', '{{.ID}} {{.Names}} {{.Status}}'])).split('\n');
    for (const line of all.filter((l) => / churn-/.test(l))) {
      const name = line.split(' ')[1]!;
      assert.match(await ok(['inspect', '-f', '{{.State.Status}}', name]), /^(created|running|exited)$/, line);
      await ok(['rm', '-f', name]);
    }
    await waitFor('the fast writer to finish', async () => (await ok(['inspect', '-f', '{{.State.Status}}', 'fast'])) === 'exited', 120_000);
    assert.equal(await contiguous('fast'), FAST_LINES);
    const before = new Map<string, number>();
    for (const n of names) before.set(n, await contiguous(n));
    // output keeps flowing into the same logs after the restart
    const lines = await moreOutput(before);
    await freshIdAndName();
    report(t, { kill: 'berthd', running: COUNTERS, churned: churning.count(), caughtMidChurn: all.filter((l) => / churn-/.test(l)).length,
      restartMs, fastLines: FAST_LINES, counterLines: lines, linesLost: 0, linesDuplicated: 0, idsSeen: seenIds.size, idsReused: 0 });
  });

  test('restarted with --log-relay flipped: running containers keep the way they were started, new ones take the new one', async () => {
    const before = new Map<string, number>();
    for (const n of names) before.set(n, await contiguous(n));
    await d.stop('SIGKILL');
    await d.start({ args: [`--log-relay=${!RELAY}`] });
    for (const n of names) assert.equal(await ok(['inspect', '-f', '{{.State.Status}} {{.State.Pid}}', n]), `running ${pids.get(n)}`, n);
    await waitFor('more output after the flip', async () => {
      for (const n of names) if ((await contiguous(n)) <= before.get(n)! + 5) return false;
      return true;
    }, 60_000);
    const id = await ok(['run', '-d', '--name', 'flipped', 'busybox', 'sh', '-c', 'echo one; echo two; exec sleep 300']);
    await waitFor('flipped to log', async () => (await ok(['logs', 'flipped'])) === 'one\ntwo', 30_000);
    const fifos = fs.readdirSync(path.join(d.execRoot, 'containers', id));
    assert.equal(fifos.some((f) => f.endsWith('-stdout.spool')), !RELAY, fifos.join(' '));
    await ok(['rm', '-f', 'flipped']);
  });

  test('its containerd killed with -9 during churn: restarted, containers keep running and their state, every log line survives', async (t) => {
    const pidFile = path.join(d.execRoot, 'containerd', 'containerd.pid');
    const old = Number(fs.readFileSync(pidFile, 'utf8').trim());
    await ok(['run', '-d', '--name', 'fast2', 'busybox', ...FAST]);
    seenNames.add('fast2');
    await waitFor('the fast writer writing', async () => (await contiguous('fast2')) > 1000, 60_000);
    const churning = churn(d, 'churn2', seenIds, seenNames);
    await waitFor('some churn', async () => churning.count() >= 5, 60_000).catch(async (err: unknown) => { await churning.stop(); throw err; });
    process.kill(old, 'SIGKILL');
    const t0 = Date.now();
    const fastAtKill = await contiguous('fast2');
    await newContainerd(pidFile, old);
    await waitFor('the API working again', async () => (await d.docker(['ps', '-q'])).code === 0, 60_000);
    const recoveredMs = Date.now() - t0;
    // churn on through the restart, then stop
    const target = churning.count() + 5;
    await waitFor('churn after the restart', async () => churning.count() >= target, 60_000);
    await churning.stop();
    for (const n of names) assert.equal(await ok(['inspect', '-f', '{{.State.Status}} {{.State.Pid}}', n]), `running ${pids.get(n)}`, n);
    assert.equal(await ok(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'exited-3']), 'exited 3');
    assert.equal(await ok(['inspect', '-f', '{{.State.Status}}', 'created-only']), 'created');
    // a churn container caught mid-way (its task maybe gone with containerd) is whole and removable
    const all = (await ok(['ps', '-a', '--format', '{{.ID}} {{.Names}} {{.Status}}'])).split('\n');
    const caught = all.filter((l) => / churn2-/.test(l));
    for (const line of caught) {
      const name = line.split(' ')[1]!;
      assert.match(await ok(['inspect', '-f', '{{.State.Status}}', name]), /^(created|running|exited)$/, line);
      await ok(['rm', '-f', name]);
    }
    // the writer flat out through containerd's death and restart: its log whole well past that point
    // (the whole 200,000 lines when it is done by now; the suite need not wait for it)
    let fastLines = 0;
    await waitFor('the fast writer\'s log past the restart', async () => (fastLines = await contiguous('fast2')) > fastAtKill + 20_000
      || (await ok(['inspect', '-f', '{{.State.Status}}', 'fast2'])) === 'exited', 120_000);
    if ((await ok(['inspect', '-f', '{{.State.Status}}', 'fast2'])) === 'exited') assert.equal(fastLines = await contiguous('fast2'), FAST_LINES);
    const before = new Map<string, number>();
    for (const n of names) before.set(n, await contiguous(n));
    const lines = await moreOutput(before);
    // the runtime answers again: a container runs end to end, and a counter stops with its exit seen
    assert.equal(await ok(['run', '--rm', 'busybox', 'echo', 'after']), 'after');
    await freshIdAndName();
    await ok(['stop', '-t', '1', names[0]!]);
    assert.match(await ok(['inspect', '-f', '{{.State.Status}}', names[0]!]), /^exited$/);
    await contiguous(names[0]!);
    report(t, { kill: 'containerd', running: COUNTERS, churned: churning.count(), caughtMidChurn: caught.length, recoveredMs,
      fastLines, counterLines: lines, linesLost: 0, linesDuplicated: 0, idsSeen: seenIds.size, idsReused: 0 });
  });

  test('a container that exits while its containerd is down is seen exited, with its code, once containerd is back', async () => {
    const trigger = fs.mkdtempSync(path.join(d.root, 'trigger-'));
    await ok(['run', '-d', '--name', 'exits-while-down', '-v', `${trigger}:/trigger`, 'busybox',
      'sh', '-c', 'while [ ! -e /trigger/go ]; do usleep 50000; done; echo leaving; exit 7']);
    const pid = Number(await ok(['inspect', '-f', '{{.State.Pid}}', 'exits-while-down']));
    const pidFile = path.join(d.execRoot, 'containerd', 'containerd.pid');
    const old = Number(fs.readFileSync(pidFile, 'utf8').trim());
    // containerd frozen, then killed: the exit happens while nobody can take its event
    process.kill(old, 'SIGSTOP');
    try {
      fs.writeFileSync(path.join(trigger, 'go'), '');
      await waitFor('the container\'s process to exit', async () => !fs.existsSync(`/proc/${pid}`), 30_000);
    } finally {
      process.kill(old, 'SIGKILL');
    }
    await newContainerd(pidFile, old);
    await waitFor('the missed exit', async () => (await d.docker(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'exits-while-down'])).stdout.trim() === 'exited 7', 60_000);
    assert.equal(await ok(['logs', 'exits-while-down']), 'leaving');
    for (const n of names.slice(1)) assert.equal(await ok(['inspect', '-f', '{{.State.Status}} {{.State.Pid}}', n]), `running ${pids.get(n)}`, n);
    await ok(['rm', 'exits-while-down']);
  });
});

describe('resource faults: the disk full', { skip: skipReason, timeout: 300_000 }, () => {
  let d: Berthd;
  const { ok } = cliAsserts(() => d);

  before(async () => {
    const root = fs.mkdtempSync(path.join('/tmp', 'bi-'));
    fs.mkdirSync(path.join(root, 'data'));
    // the data root (logs, state, containerd's content and snapshots) on a 48 MiB filesystem
    const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=48m', 'berth-enospc', path.join(root, 'data')]);
    assert.equal(m.status, 0, m.stderr?.toString());
    d = new Berthd(root);
    await d.start();
    await ok(['load', '-i', await busyboxTar()]);
  });

  after(async () => {
    if (!d) return;
    await d.docker(['rm', '-f', 'flood']).catch(() => undefined);
    await d.stop('SIGTERM');
    d.cleanup();
  });

  test('a container fills the disk with its log: clear errors for requests, berthd stays up and recovers', async () => {
    await ok(['run', '-d', '--name', 'flood', 'busybox', 'yes', 'x'.repeat(100)]);
    await waitFor('the disk full', async () => fs.statfsSync(d.dataRoot).bavail === 0, 60_000);
    assert.equal((await d.request('GET', '/_ping')).status, 200);
    assert.match(await ok(['ps', '--format', '{{.Names}}']), /flood/);
    const refused = await d.docker(['run', '--name', 'second', 'busybox', 'echo', 'hi']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /no space left on device/);
    const logs = await d.docker(['logs', '--tail', '1', 'flood']);
    assert.equal(logs.code, 0, logs.stderr);
    await ok(['rm', '-f', 'flood']);
    await d.docker(['rm', '-f', 'second']).catch(() => undefined);
    assert.ok(fs.statfsSync(d.dataRoot).bavail > 0, 'space freed');
    assert.equal(await ok(['run', '--rm', 'busybox', 'echo', 'after']), 'after');
    assert.equal(d.proc!.exitCode, null, 'berthd never exited');
  });

  test('an image bigger than the free space: the import fails with ENOSPC, leaves no image and no used space', async () => {
    const dir = fs.mkdtempSync(path.join('/tmp', 'bi-big-'));
    try {
      fs.writeFileSync(path.join(dir, 'blob'), crypto.randomBytes(60 * 1024 * 1024));
      assert.equal(spawnSync('tar', ['-C', dir, '-cf', path.join(dir, 'big.tar'), 'blob']).status, 0);
      const before = fs.statfsSync(d.dataRoot).bavail;
      const r = await d.docker(['import', path.join(dir, 'big.tar'), 'big:1']);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /no space left on device/);
      assert.doesNotMatch(await ok(['images', '--format', '{{.Repository}}']), /big/);
      assert.ok(fs.statfsSync(d.dataRoot).bavail >= before - 16, 'the partial layer was cleaned up');
      assert.equal(await ok(['run', '--rm', 'busybox', 'echo', 'after']), 'after');
      assert.equal(d.proc!.exitCode, null, 'berthd never exited');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
