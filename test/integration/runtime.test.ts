// Runtime selection end to end: crun is the default runtime where it is installed; on a hybrid
// cgroup host (this one) the shim runs it through berthd's wrapper (crun create/run in a mount
// namespace without the unified hierarchy; containerd stays in the host's); runc on request,
// --default-runtime / --add-runtime, and `docker info`. Which binary created a container is read
// from its runtime state directory: crun writes `status`, runc writes `state.json`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Berthd, busyboxTar, skipReason, startBerthd } from './harness.js';
import { spawnSync } from 'node:child_process';
import { findOnPath } from '../../src/runtime/selection/crun-probe.js';
import { crunAcceptsLayout, hostCgroupLayout } from '../../src/runtime/selection/cgroup-layout.js';
import { ManagedContainerd } from '../../src/runtime/containerd/supervisor.js';

const CRUN = findOnPath('crun');
const SERVE = ['sh', '-c', 'trap "exit 0" TERM; while :; do sleep 0.1; done'];

/** The OCI runtime that created container `id` (the runc v2 shim's runtime root for namespace "berth"). */
function createdBy(id: string): string {
  const dir = path.join('/run/containerd/runc/berth', id);
  if (fs.existsSync(path.join(dir, 'status'))) return 'crun';
  if (fs.existsSync(path.join(dir, 'state.json'))) return 'runc';
  return `unknown (${fs.existsSync(dir) ? fs.readdirSync(dir).join(',') : 'no state dir'})`;
}

describe('runtime selection', { skip: skipReason, timeout: 300_000 }, () => {
  let d: Berthd;
  const ok = async (args: string[], dd = d): Promise<string> => {
    const r = await dd.docker(args);
    assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}\n${dd.logTail()}`);
    return r.stdout.trim();
  };

  before(async () => {
    d = await startBerthd();
    await ok(['load', '-i', await busyboxTar()]);
  });
  after(async () => {
    if (!d) return;
    await d.stop('SIGTERM');
    d.cleanup();
  });

  test('crun by default: docker info lists it; a container started by default is created by crun', { skip: !CRUN && 'crun not installed' }, async () => {
    assert.equal(await ok(['info', '--format', '{{.DefaultRuntime}}']), 'crun');
    const runtimes = JSON.parse(await ok(['info', '--format', '{{json .Runtimes}}'])) as Record<string, { path: string }>;
    assert.deepEqual(Object.keys(runtimes).sort(), ['crun', 'io.containerd.runc.v2', 'runc']);
    // on a hybrid host the shim runs berthd's wrapper script under its exec root
    assert.equal(runtimes.crun?.path, crunAcceptsLayout(hostCgroupLayout()) ? CRUN : path.join(d.execRoot, 'runtimes', 'crun'));
    const id = await ok(['run', '-d', '--name', 'bycrun', '--memory', '64m', 'busybox', ...SERVE]);
    assert.equal(await ok(['inspect', '--format', '{{.HostConfig.Runtime}}', id]), 'crun');
    assert.equal(createdBy(id), 'crun');
    // cgroup limits reach cgroupfs, and update goes through crun
    const memLimit = `/sys/fs/cgroup/memory/berth/${id}/memory.limit_in_bytes`;
    assert.equal(fs.readFileSync(memLimit, 'utf8').trim(), String(64 * 1024 * 1024));
    await ok(['update', '--memory', '96m', id]);
    assert.equal(fs.readFileSync(memLimit, 'utf8').trim(), String(96 * 1024 * 1024));
    assert.equal(await ok(['exec', id, 'echo', 'exec-ok']), 'exec-ok');
    await ok(['pause', id]);
    assert.equal(fs.readFileSync(`/sys/fs/cgroup/freezer/berth/${id}/freezer.state`, 'utf8').trim(), 'FROZEN');
    await ok(['unpause', id]);
    await ok(['rm', '-f', id]);
  });

  test('mounts berthd makes after containerd started (volume tmpfs, network namespace) reach crun containers', { skip: !CRUN && 'crun not installed' }, async () => {
    await ok(['volume', 'create', '--opt', 'type=tmpfs', '--opt', 'device=tmpfs', '--opt', 'o=size=4m', 'late']);
    const out = await ok(['run', '--rm', '-v', 'late:/data', 'busybox', 'sh', '-c', 'echo hi > /data/f && cat /data/f && grep " /data " /proc/mounts | cut -d" " -f3 && ip -o addr show eth0 | grep -c inet']);
    assert.deepEqual(out.split('\n'), ['hi', 'tmpfs', '1']);
    // a host mount made after berthd started, outside its roots, bound into a container
    const dir = fs.mkdtempSync('/tmp/bi-late-');
    try {
      assert.equal(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir]).status, 0);
      fs.writeFileSync(path.join(dir, 'f'), 'late-host-mount');
      assert.equal(await ok(['run', '--rm', '-v', `${dir}:/m:ro`, 'busybox', 'cat', '/m/f']), 'late-host-mount');
    } finally {
      spawnSync('umount', ['-l', dir]);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--runtime runc runs runc; an unknown runtime is refused', async () => {
    const id = await ok(['run', '-d', '--runtime', 'runc', 'busybox', ...SERVE]);
    assert.equal(await ok(['inspect', '--format', '{{.HostConfig.Runtime}}', id]), 'runc');
    assert.equal(createdBy(id), 'runc');
    assert.equal(await ok(['exec', id, 'echo', 'runc-exec']), 'runc-exec');
    await ok(['rm', '-f', id]);
    const r = await d.docker(['create', '--runtime', 'nope', 'busybox', 'true']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Unknown runtime specified nope/);
  });

  test('a crun container survives kill -9 of berthd and is adopted by the next one', { skip: !CRUN && 'crun not installed' }, async () => {
    const id = await ok(['run', '-d', 'busybox', ...SERVE]);
    await d.stop('SIGKILL');
    await d.start();
    assert.equal(await ok(['inspect', '--format', '{{.State.Running}}', id]), 'true');
    assert.equal(await ok(['exec', id, 'echo', 'adopted']), 'adopted');
    assert.equal(createdBy(id), 'crun');
    await ok(['stop', id]);
    assert.equal(await ok(['inspect', '--format', '{{.State.ExitCode}}', id]), '0');
    await ok(['rm', id]);
  });
});

describe('runtime flags', { skip: skipReason, timeout: 120_000 }, () => {
  test('without --default-runtime: crun where installed (wrapped on a hybrid host), else runc', async () => {
    const d = await startBerthd();
    try {
      const expected = CRUN ? 'crun' : 'runc';
      const r = await d.docker(['info', '--format', '{{.DefaultRuntime}}']);
      assert.equal(r.stdout.trim(), expected, r.stderr);
    } finally {
      await d.stop('SIGTERM');
      d.cleanup();
    }
  });

  test('--default-runtime runc and --add-runtime name=path', async () => {
    const d = await startBerthd(['--default-runtime', 'runc', '--add-runtime', 'alt=/usr/sbin/runc']);
    try {
      const ok = async (args: string[]): Promise<string> => {
        const r = await d.docker(args);
        assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}\n${d.logTail()}`);
        return r.stdout.trim();
      };
      await ok(['load', '-i', await busyboxTar()]);
      assert.equal(await ok(['info', '--format', '{{.DefaultRuntime}}']), 'runc');
      const runtimes = JSON.parse(await ok(['info', '--format', '{{json .Runtimes}}'])) as Record<string, { path: string }>;
      assert.equal(runtimes.alt?.path, '/usr/sbin/runc');
      const byDefault = await ok(['run', '-d', 'busybox', ...SERVE]);
      assert.equal(await ok(['inspect', '--format', '{{.HostConfig.Runtime}}', byDefault]), 'runc');
      assert.equal(createdBy(byDefault), 'runc');
      const alt = await ok(['run', '-d', '--runtime', 'alt', 'busybox', ...SERVE]);
      assert.equal(createdBy(alt), 'runc');
      const options = JSON.parse(fs.readFileSync(path.join(d.execRoot, 'containerd/state/io.containerd.runtime.v2.task/berth', alt, 'options.json'), 'utf8')) as { binary_name?: string };
      assert.equal(options.binary_name, '/usr/sbin/runc');
      await ok(['rm', '-f', byDefault, alt]);
    } finally {
      await d.stop('SIGTERM');
      d.cleanup();
    }
  });
});

describe('runtime with an external containerd', { skip: skipReason, timeout: 120_000 }, () => {
  test('crun with an external containerd too (the wrapper does not depend on containerd\'s namespace)', async () => {
    const root = fs.mkdtempSync('/tmp/bi-ext-');
    // a containerd of its own in the host's mount namespace, as a system containerd would be
    const external = new ManagedContainerd({ dataRoot: path.join(root, 'cd-data'), execRoot: path.join(root, 'cd-exec') });
    await external.start();
    const d = await startBerthd(['--containerd', external.address]);
    try {
      const ok = async (args: string[]): Promise<string> => {
        const r = await d.docker(args);
        assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}\n${d.logTail()}`);
        return r.stdout.trim();
      };
      const expected = CRUN ? 'crun' : 'runc';
      assert.equal(await ok(['info', '--format', '{{.DefaultRuntime}}']), expected);
      await ok(['load', '-i', await busyboxTar()]);
      const id = await ok(['run', '-d', 'busybox', ...SERVE]);
      assert.equal(createdBy(id), expected);
      assert.equal(await ok(['exec', id, 'echo', 'ext']), 'ext');
      await ok(['rm', '-f', id]);
    } finally {
      await d.stop('SIGTERM');
      await external.stop();
      d.cleanup();
      spawnSync('sh', ['-c', `grep -o " ${root}[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l`]);
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
