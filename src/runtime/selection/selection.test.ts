import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cgroupLayoutOf, crunAcceptsLayout } from './cgroup-layout.js';
import { decideCrun } from './crun-probe.js';
import { parseAddRuntime, RuntimeTable } from './runtime-table.js';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { installCrunWrapper } from './crun-wrapper.js';
import { findOnPath } from './crun-probe.js';

const HYBRID = [
  '27 1 254:0 / / rw,relatime - ext4 /dev/vda rw',
  '31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755',
  '35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory',
  '41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw',
  '45 27 254:0 /run/netns /run/netns rw,relatime shared:1 - ext4 /dev/vda rw',
].join('\n');

test('cgroup layout: hybrid with cgroup2 controllers is what crun refuses; v1, v2 and empty hybrid it accepts', () => {
  const hybrid = cgroupLayoutOf(HYBRID, 'hugetlb\n');
  assert.deepEqual(hybrid, { layout: 'hybrid', unifiedControllers: ['hugetlb'] });
  assert.equal(crunAcceptsLayout(hybrid), false);
  assert.equal(crunAcceptsLayout(cgroupLayoutOf(HYBRID, '\n')), true);
  const legacy = cgroupLayoutOf(HYBRID.split('\n').filter((l) => !l.includes('unified')).join('\n'), '');
  assert.equal(legacy.layout, 'legacy');
  assert.equal(crunAcceptsLayout(legacy), true);
  const unified = cgroupLayoutOf('30 23 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw', 'cpu memory pids');
  assert.equal(unified.layout, 'unified');
  assert.equal(crunAcceptsLayout(unified), true);
});

test('crun decision: on a hybrid host through the wrapper (unshare and umount needed), as is elsewhere', () => {
  const layout = cgroupLayoutOf(HYBRID, 'hugetlb');
  assert.deepEqual(decideCrun({ crunPath: '/usr/bin/crun', layout, unsharePath: '/usr/bin/unshare', umountPath: '/usr/bin/umount' }),
    { crunPath: '/usr/bin/crun', wrapper: { crun: '/usr/bin/crun', unshare: '/usr/bin/unshare', umount: '/usr/bin/umount' } });
  const noUnshare = decideCrun({ crunPath: '/usr/bin/crun', layout, umountPath: '/usr/bin/umount' });
  assert.equal(noUnshare.crunPath, undefined);
  assert.match(noUnshare.reason ?? '', /no unshare/);
  assert.equal(decideCrun({ layout, unsharePath: 'unshare', umountPath: 'umount' }).reason, 'crun not found');
  const v1 = cgroupLayoutOf('', '');
  assert.deepEqual(decideCrun({ crunPath: '/usr/bin/crun', layout: v1 }), { crunPath: '/usr/bin/crun' });
});

test('crun wrapper: create and run (after go-runc\'s global options) run without the unified hierarchy, the rest as is', { skip: (process.getuid?.() !== 0 || !fs.existsSync('/sys/fs/cgroup/unified') || !findOnPath('unshare')) && 'needs root and a hybrid cgroup host' }, () => {
  const busybox = findOnPath('busybox');
  // dash with util-linux's unshare/umount; busybox's sh and applets with crun from its read-only bind mount
  for (const variant of busybox ? ['sh', 'busybox'] : ['sh']) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crunwrap-'));
    const runtimes = path.join(dir, 'runtimes');
    try {
      // a fake crun that prints its arguments, whether it sees the unified hierarchy, and how it was run
      const fake = path.join(dir, 'fake crun');
      fs.writeFileSync(fake, '#!/bin/sh\necho "$*|$(grep -c " /sys/fs/cgroup/unified " /proc/self/mountinfo)|${0##*/}"\n', { mode: 0o755 });
      const tools = { crun: fake, unshare: findOnPath('unshare')!, umount: findOnPath('umount')!, ...(variant === 'busybox' ? { busybox: busybox! } : {}) };
      const wrapper = installCrunWrapper(runtimes, tools, { readOnlyCrun: variant === 'busybox' });
      const ran = variant === 'busybox' ? 'crun.ro' : 'fake crun';
      if (variant === 'busybox') {
        assert.match(fs.readFileSync(wrapper, 'utf8'), /^#!.*busybox sh\n/);
        // the bind mount is read-only (crun then skips its memfd copy) and made once
        assert.equal(spawnSync('sh', ['-c', `echo x >> "${runtimes}/crun.ro"`]).status !== 0, true);
        installCrunWrapper(runtimes, tools, { readOnlyCrun: true });
        assert.equal(fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes(`${runtimes}/crun.ro`)).length, 1);
      }
      // from a removed working directory (a shared shim's first bundle): nothing on stderr
      const gone = path.join(dir, 'gone');
      fs.mkdirSync(gone);
      const run = (args: string[]): string => {
        const r = spawnSync('/bin/sh', ['-c', `cd "$0" && rmdir "$0" && exec "$@"`, gone, wrapper, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
        assert.equal(r.stderr, '');
        fs.mkdirSync(gone);
        return r.stdout.trim();
      };
      const globals = ['--root', '/run/containerd/runc/berth', '--log', '/x/log.json', '--log-format', 'json', '--systemd-cgroup'];
      assert.equal(run([...globals, 'create', '--bundle', '/b', 'id 1']), `${globals.join(' ')} create --bundle /b id 1|0|${ran}`);
      assert.equal(run(['run', 'x']), `run x|0|${ran}`);
      for (const sub of ['exec', 'update', 'pause', 'resume', 'kill', 'delete', 'state']) {
        assert.equal(run([...globals, sub, 'create']), `${globals.join(' ')} ${sub} create|1|${ran}`);
      }
      assert.equal(run(['--version']), `--version|1|${ran}`);
      assert.equal(fs.statSync(wrapper).mode & 0o777, 0o755);
      if (variant === 'busybox') {
        // the mount gone (not made again yet): crun itself
        spawnSync('umount', [`${runtimes}/crun.ro`]);
        assert.equal(run(['kill', 'x']), 'kill x|1|fake crun');
      }
    } finally {
      spawnSync('umount', ['-l', `${runtimes}/crun.ro`], { stdio: 'ignore' });
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
});

test('runtime table: crun is the default where usable, runc otherwise; added runtimes resolve to the runc shim with their binary', () => {
  const withCrun = new RuntimeTable({ added: {}, crunPath: '/usr/bin/crun' });
  assert.equal(withCrun.defaultName, 'crun');
  assert.deepEqual(withCrun.resolve(undefined), { runtime: 'io.containerd.runc.v2', runtimeBinary: '/usr/bin/crun' });
  assert.deepEqual(withCrun.resolve('runc'), { runtime: 'io.containerd.runc.v2' });
  assert.deepEqual(withCrun.resolve('io.containerd.runc.v2'), { runtime: 'io.containerd.runc.v2' });
  const plain = new RuntimeTable({ added: parseAddRuntime(['my=/opt/my-runc']) });
  assert.equal(plain.defaultName, 'runc');
  assert.equal(plain.has('crun'), false);
  assert.deepEqual(plain.resolve('my'), { runtime: 'io.containerd.runc.v2', runtimeBinary: '/opt/my-runc' });
  assert.deepEqual(Object.keys(plain.info()).sort(), ['io.containerd.runc.v2', 'my', 'runc']);
  assert.deepEqual(new RuntimeTable({ added: { gv: { runtimeType: 'io.containerd.runsc.v1' } } }).resolve('gv'), { runtime: 'io.containerd.runsc.v1' });
  assert.equal(new RuntimeTable({ added: {}, crunPath: '/usr/bin/crun', requestedDefault: 'runc' }).defaultName, 'runc');
  assert.throws(() => new RuntimeTable({ added: {}, requestedDefault: 'crun' }), /specified default runtime 'crun' does not exist/);
  assert.throws(() => new RuntimeTable({ added: { runc: { path: '/x' } } }), /runtime name 'runc' is reserved/);
  assert.throws(() => parseAddRuntime(['nopath']), /expected name=path/);
});

test('freezer state file: the v1 freezer hierarchy\'s mount point plus the process\'s path', async () => {
  const { freezerStateFile } = await import('./freezer-settle.js');
  const mountinfo = '37 31 0:33 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer\n41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw';
  assert.equal(freezerStateFile('6:freezer:/berth/abc\n0::/\n', mountinfo), '/sys/fs/cgroup/freezer/berth/abc/freezer.state');
  assert.equal(freezerStateFile('0::/berth/abc\n', mountinfo), undefined);
});
