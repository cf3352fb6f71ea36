// End to end against a real containerd: a managed instance in a temp root, a layer written into the
// content store and unpacked with Diff.Apply, and a busybox container whose output and exit we see.
// Needs root (containerd, overlayfs, runc) and containerd on PATH; skips otherwise.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import * as tar from 'tar-stream';
import type { RuntimeEvent } from '../runtime.js';
import { ContainerdRuntime } from './client.js';
import { createFifos } from './fifo-io.js';
import { ManagedContainerd } from './supervisor.js';

const BUSYBOX = '/usr/bin/busybox';

function skipReason(): string | false {
  if (process.getuid?.() !== 0) return 'needs root (containerd, overlayfs, runc)';
  try {
    execFileSync('sh', ['-c', 'command -v containerd'], { stdio: 'ignore' });
  } catch {
    return 'containerd not on PATH';
  }
  if (!fs.existsSync(BUSYBOX)) return `${BUSYBOX} missing (busybox-static)`;
  return false;
}

async function layerTar(files: Array<{ name: string; data: Buffer; mode: number }>): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => chunks.push(c as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    pack.on('end', () => resolve());
    pack.on('error', reject);
  });
  pack.entry({ name: 'bin/', type: 'directory', mode: 0o755 });
  for (const f of files) pack.entry({ name: f.name, mode: f.mode, size: f.data.length }, f.data);
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

function minimalSpec(id: string, args: string[]): object {
  const caps = ['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FOWNER', 'CAP_KILL', 'CAP_SETGID', 'CAP_SETUID'];
  return {
    ociVersion: '1.0.2-dev',
    process: {
      terminal: false,
      user: { uid: 0, gid: 0 },
      args,
      env: ['PATH=/bin'],
      cwd: '/',
      capabilities: { bounding: caps, effective: caps, permitted: caps },
      noNewPrivileges: true,
    },
    root: { path: 'rootfs' },
    hostname: id.slice(0, 12),
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
      { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
    ],
    linux: {
      namespaces: [{ type: 'pid' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }, { type: 'network' }],
      cgroupsPath: `/berth-test/${id}`,
      maskedPaths: ['/proc/kcore', '/sys/firmware'],
      readonlyPaths: ['/proc/sys', '/proc/sysrq-trigger'],
    },
  };
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms).unref()),
  ]);
}

test('containerd runtime: content, snapshots, diff apply, container + task lifecycle, events', { skip: skipReason(), timeout: 120_000 }, async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-ctd-'));
  const managed = new ManagedContainerd({ dataRoot: path.join(root, 'data'), execRoot: path.join(root, 'exec') });
  let rt: ContainerdRuntime | undefined;
  try {
    await managed.start();
    assert.ok(fs.existsSync(managed.address));
    rt = new ContainerdRuntime({ address: managed.address, namespace: 'berth-test' });

    const v = await rt.version();
    assert.match(v.version, /^v?1\./);

    // --- content: write a layer blob, write it again (skipped), read it back
    const hello = Buffer.from('hello from a layer\n');
    const layer = await layerTar([
      { name: 'hello.txt', data: hello, mode: 0o644 },
      { name: 'bin/busybox', data: fs.readFileSync(BUSYBOX), mode: 0o755 },
    ]);
    const diffId = `sha256:${createHash('sha256').update(layer).digest('hex')}`;
    assert.equal(await rt.content.info(diffId), undefined);
    await rt.content.write(`layer-${diffId}`, layer, { expectedDigest: diffId, size: layer.length, labels: { 'berth.test': '1' } });
    const info = await rt.content.info(diffId);
    assert.equal(info?.size, layer.length);
    assert.equal(info?.labels['berth.test'], '1');
    await rt.content.write(`layer-${diffId}`, layer, { expectedDigest: diffId, size: layer.length });
    const back: Buffer[] = [];
    for await (const chunk of rt.content.read(diffId)) back.push(chunk);
    assert.ok(Buffer.concat(back).equals(layer));

    // --- unpack: prepare, apply, commit under the chain id (= diff id for a base layer)
    const extractKey = `extract-${Date.now()}`;
    const extractMounts = await rt.snapshots.prepare(extractKey, undefined);
    assert.ok(extractMounts.length > 0);
    const applied = await rt.differ.apply(
      { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: diffId, size: layer.length },
      extractMounts,
    );
    assert.equal(applied.digest, diffId);
    await rt.snapshots.commit(diffId, extractKey);
    const committed = await rt.snapshots.stat(diffId);
    assert.equal(committed?.kind, 'committed');
    assert.equal(await rt.snapshots.stat(extractKey), undefined);

    // --- container on top of the layer
    const id = `c${Date.now().toString(16)}`;
    const rootfs = await rt.snapshots.prepare(id, diffId);
    assert.equal((await rt.snapshots.stat(id))?.kind, 'active');
    await rt.createContainer({
      id,
      image: 'test-layer',
      labels: { 'berth.test': 'yes' },
      spec: minimalSpec(id, ['/bin/busybox', 'cat', '/hello.txt']),
      snapshotKey: id,
      runtime: 'io.containerd.runc.v2',
    });
    const got = await rt.getContainer(id);
    assert.deepEqual(got, { id, labels: { 'berth.test': 'yes' }, snapshotKey: id });
    assert.ok((await rt.listContainers()).some((c) => c.id === id));
    await rt.updateContainerSpec(id, minimalSpec(id, ['/bin/busybox', 'cat', '/hello.txt']));

    const events: RuntimeEvent[] = [];
    let onExit: (e: RuntimeEvent) => void = () => undefined;
    const exited = new Promise<RuntimeEvent>((resolve) => (onExit = resolve));
    const unsubscribe = rt.subscribe((e) => {
      events.push(e);
      if (e.type === 'exit' && e.event.containerId === id) onExit(e);
    });

    const fifos = await createFifos(path.join(root, 'exec', 'fifos', id), { stdin: false, terminal: false });
    let stdout = '';
    fifos.stdout.setEncoding('utf8');
    fifos.stdout.on('data', (d: string) => (stdout += d));
    const stdoutEnded = new Promise<void>((resolve) => fifos.stdout.on('end', () => resolve()));
    fifos.stderr?.resume();

    const created = await rt.createTask(id, fifos.paths, rootfs);
    assert.ok(created.pid > 0);
    assert.equal((await rt.getTask(id))?.status, 'created');
    await rt.startTask(id);

    const exit = await withTimeout(exited, 20_000, 'exit event');
    assert.equal(exit.type, 'exit');
    if (exit.type === 'exit') {
      assert.equal(exit.event.exitStatus, 0);
      assert.equal(exit.event.execId, '');
      assert.equal(exit.event.pid, created.pid);
      assert.ok(Date.now() - exit.event.exitedAt.getTime() < 60_000);
    }
    await withTimeout(stdoutEnded, 10_000, 'stdout EOF');
    assert.equal(stdout, hello.toString());

    const waited = await rt.waitTask(id);
    assert.equal(waited.exitStatus, 0);
    const state = await rt.getTask(id);
    assert.equal(state?.status, 'stopped');
    assert.equal(state?.containerId, id);
    const listed = (await rt.listTasks()).find((t) => t.containerId === id);
    assert.equal(listed?.status, 'stopped');
    assert.equal(listed?.stdout, fifos.paths.stdout);

    // --- teardown in containerd's safe order
    const deleted = await rt.deleteTask(id);
    assert.equal(deleted?.exitStatus, 0);
    assert.equal(await rt.deleteTask(id), undefined);
    assert.equal(await rt.getTask(id), undefined);
    fifos.close();
    unsubscribe();
    await rt.snapshots.remove(id);
    await rt.deleteContainer(id);
    await rt.deleteContainer(id);
    assert.equal(await rt.getContainer(id), undefined);
    await assert.rejects(rt.killTask(id, 9), { name: 'NotFoundError' });

    await rt.snapshots.remove(diffId);
    await rt.content.delete(diffId);
    assert.equal(await rt.content.info(diffId), undefined);
  } finally {
    // best effort, so a failure above is reported rather than a cleanup error
    await teardown(rt, managed, root);
  }
});

function processSpec(args: string[]): object {
  return { terminal: false, user: { uid: 0, gid: 0 }, args, env: ['PATH=/bin'], cwd: '/' };
}

async function busyboxLayer(rt: ContainerdRuntime): Promise<string> {
  const layer = await layerTar([{ name: 'bin/busybox', data: fs.readFileSync(BUSYBOX), mode: 0o755 }]);
  const diffId = `sha256:${createHash('sha256').update(layer).digest('hex')}`;
  await rt.content.write(`layer-${diffId}`, layer, { expectedDigest: diffId, size: layer.length });
  if (!(await rt.snapshots.stat(diffId))) {
    const key = `extract-${Date.now()}`;
    const mounts = await rt.snapshots.prepare(key, undefined);
    await rt.differ.apply({ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: diffId, size: layer.length }, mounts);
    await rt.snapshots.commit(diffId, key);
  }
  return diffId;
}

function collect(sock: NodeJS.ReadableStream): { text: () => string; ended: Promise<void> } {
  let out = '';
  sock.setEncoding('utf8');
  sock.on('data', (d: string) => (out += d));
  return { text: () => out, ended: new Promise<void>((resolve) => sock.on('end', () => resolve())) };
}

test('supervisor replaces a stale containerd; exec, stdin, pause/resume and events across a containerd crash', { skip: skipReason(), timeout: 120_000 }, async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-ctd-'));
  const opts = { dataRoot: path.join(root, 'data'), execRoot: path.join(root, 'exec') };
  const notes: string[] = [];
  const managed = new ManagedContainerd({ ...opts, onLog: (m) => notes.push(m) });
  let rt: ContainerdRuntime | undefined;
  let unsubscribe = (): void => undefined;
  try {
    // a containerd left behind by a berthd killed with -9: same config, recorded in the pid file
    fs.mkdirSync(managed.stateDir, { recursive: true });
    fs.writeFileSync(managed.configPath, managed.configText());
    const stale = spawn('containerd', ['--config', managed.configPath], { stdio: 'ignore', detached: true });
    const staleExit = new Promise<void>((resolve) => stale.once('exit', () => resolve()));
    fs.writeFileSync(managed.pidPath, `${stale.pid}\n`);
    for (let i = 0; i < 100 && !fs.existsSync(managed.address); i++) await new Promise((r) => setTimeout(r, 50));

    await managed.start();
    await withTimeout(staleExit, 1000, 'stale containerd to exit');
    assert.notEqual(managed.pid, stale.pid);
    assert.ok(notes.some((n) => n.includes(`stale containerd pid ${stale.pid}`)), notes.join('\n'));

    rt = new ContainerdRuntime({ address: managed.address, namespace: 'berth-test' });
    const chainId = await busyboxLayer(rt);
    const id = `s${Date.now().toString(16)}`;
    const rootfs = await rt.snapshots.prepare(id, chainId);
    await rt.createContainer({
      id,
      image: 'busybox-layer',
      labels: {},
      spec: minimalSpec(id, ['/bin/busybox', 'sh', '-c', 'read line; echo "got $line"; exit 3']),
      snapshotKey: id,
      runtime: 'io.containerd.runc.v2',
    });

    const events: RuntimeEvent[] = [];
    const waiters: Array<{ match: (e: RuntimeEvent) => boolean; resolve: (e: RuntimeEvent) => void }> = [];
    const next = (match: (e: RuntimeEvent) => boolean, what: string): Promise<RuntimeEvent> => {
      const seen = events.find(match);
      if (seen) return Promise.resolve(seen);
      return withTimeout(new Promise<RuntimeEvent>((resolve) => waiters.push({ match, resolve })), 20_000, what);
    };
    let reconnects = 0;
    let onReconnect = (): void => undefined;
    unsubscribe = rt.subscribe(
      (e) => {
        events.push(e);
        for (const w of waiters) if (w.match(e)) w.resolve(e);
      },
      () => {
        reconnects++;
        onReconnect();
      },
    );

    const dir = path.join(opts.execRoot, 'fifos', id);
    const fifos = await createFifos(dir, { stdin: true, terminal: false });
    const out = collect(fifos.stdout);
    fifos.stderr?.resume();
    await rt.createTask(id, fifos.paths, rootfs);
    await rt.startTask(id);
    assert.equal((await rt.getTask(id))?.status, 'running');
    assert.ok((await rt.listPids(id)).length >= 1);

    // exec with its own FIFOs
    const execFifos = await createFifos(dir, { stdin: false, terminal: false, prefix: 'exec1' });
    const execOut = collect(execFifos.stdout);
    execFifos.stderr?.resume();
    await rt.exec(id, 'exec1', processSpec(['/bin/busybox', 'echo', 'hi from exec']), execFifos.paths);
    await rt.startTask(id, 'exec1');
    const execExit = await next((e) => e.type === 'exit' && e.event.execId === 'exec1', 'exec exit');
    assert.equal(execExit.type === 'exit' && execExit.event.exitStatus, 0);
    assert.equal((await rt.waitTask(id, 'exec1')).exitStatus, 0);
    await withTimeout(execOut.ended, 10_000, 'exec stdout EOF');
    assert.equal(execOut.text(), 'hi from exec\n');
    await rt.deleteProcess(id, 'exec1');
    await rt.deleteProcess(id, 'exec1');
    execFifos.close();

    await rt.pauseTask(id);
    await next((e) => e.type === 'paused' && e.containerId === id, 'paused event');
    assert.equal((await rt.getTask(id))?.status, 'paused');
    await rt.resumeTask(id);
    await next((e) => e.type === 'resumed' && e.containerId === id, 'resumed event');

    // containerd dies: the supervisor restarts it, the subscription comes back, the task lives on
    const reconnected = new Promise<void>((resolve) => (onReconnect = resolve));
    process.kill(managed.pid!, 'SIGKILL');
    await withTimeout(reconnected, 20_000, 'event stream reconnect');
    assert.equal(reconnects, 1);
    assert.ok(notes.some((n) => n.includes('exited unexpectedly')), notes.join('\n'));
    assert.equal((await rt.getTask(id))?.status, 'running');

    fifos.stdin!.end('hello\n');
    const exit = await next((e) => e.type === 'exit' && e.event.containerId === id && e.event.execId === '', 'exit event');
    assert.equal(exit.type === 'exit' && exit.event.exitStatus, 3);
    await withTimeout(out.ended, 10_000, 'stdout EOF');
    assert.equal(out.text(), 'got hello\n');
    assert.equal((await rt.deleteTask(id))?.exitStatus, 3);
    fifos.close();
    await rt.snapshots.remove(id);
    await rt.deleteContainer(id);
  } finally {
    unsubscribe();
    await teardown(rt, managed, root);
  }
});

/** Best-effort teardown: kills and deletes what a test left, stops containerd, removes its roots. */
async function teardown(rt: ContainerdRuntime | undefined, managed: ManagedContainerd, root: string): Promise<void> {
  if (rt) {
    for (const t of await rt.listTasks().catch(() => [])) {
      await rt.killTask(t.containerId, 9).catch(() => undefined);
      await rt.waitTask(t.containerId).catch(() => undefined);
      await rt.deleteTask(t.containerId).catch(() => undefined);
    }
    for (const c of await rt.listContainers().catch(() => [])) {
      await rt.snapshots.remove(c.snapshotKey).catch(() => undefined);
      await rt.deleteContainer(c.id).catch(() => undefined);
    }
    rt.close();
  }
  await managed.stop();
  try {
    fs.rmSync(root, { recursive: true, force: true });
    // runc leaves the (now empty) parent cgroup of cgroupsPath behind
    for (const hierarchy of fs.readdirSync('/sys/fs/cgroup')) {
      const dir = path.join('/sys/fs/cgroup', hierarchy, 'berth-test');
      if (fs.existsSync(dir)) fs.rmdirSync(dir);
    }
  } catch (err) {
    process.stderr.write(`cleanup of ${root}: ${String(err)}\n`);
  }
}
