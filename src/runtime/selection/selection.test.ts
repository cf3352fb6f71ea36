import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cgroupLayoutOf, crunAcceptsLayout } from './cgroup-layout.js';
import { decideCrun } from './crun-probe.js';
import { parseAddRuntime, RuntimeTable } from './runtime-table.js';
import { mountTags } from './shared-mounts.js';

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

test('crun decision: on a hybrid host only when asked for (managed containerd in its own mount namespace); external containerd falls back', () => {
  const layout = cgroupLayoutOf(HYBRID, 'hugetlb');
  assert.deepEqual(decideCrun({ crunPath: '/usr/bin/crun', layout, managed: true, unsharePath: 'unshare', requested: true }), { crunPath: '/usr/bin/crun', privateMounts: true });
  assert.match(decideCrun({ crunPath: '/usr/bin/crun', layout, managed: true, unsharePath: 'unshare', requested: false }).reason ?? '', /--default-runtime crun/);
  const external = decideCrun({ crunPath: '/usr/bin/crun', layout, managed: false, unsharePath: 'unshare', requested: true });
  assert.equal(external.crunPath, undefined);
  assert.match(external.reason ?? '', /external containerd/);
  assert.equal(decideCrun({ layout, managed: true, unsharePath: 'unshare', requested: true }).reason, 'crun not found');
  const v1 = cgroupLayoutOf('', '');
  assert.deepEqual(decideCrun({ crunPath: '/usr/bin/crun', layout: v1, managed: false, requested: false }), { crunPath: '/usr/bin/crun', privateMounts: false });
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

test('mount tags: shared peer group of a mount point; undefined when the path is not one', () => {
  assert.deepEqual(mountTags(HYBRID, '/run/netns'), ['shared:1']);
  assert.deepEqual(mountTags(HYBRID, '/sys/fs/cgroup'), []);
  assert.equal(mountTags(HYBRID, '/var/lib/berth'), undefined);
});

test('freezer state file: the v1 freezer hierarchy\'s mount point plus the process\'s path', async () => {
  const { freezerStateFile } = await import('./freezer-settle.js');
  const mountinfo = '37 31 0:33 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer\n41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw';
  assert.equal(freezerStateFile('6:freezer:/berth/abc\n0::/\n', mountinfo), '/sys/fs/cgroup/freezer/berth/abc/freezer.state');
  assert.equal(freezerStateFile('0::/berth/abc\n', mountinfo), undefined);
});
