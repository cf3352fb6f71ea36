import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  checkBindSources, parseBind, parseMount, tmpfsOptions, userMounts, withInit, withReadonlyRootfs, withShm, withUserMounts,
} from './mounts.js';
import { buildSpec, withProcessArgs } from './spec.js';

test('-v specs: binds with modes, volumes left alone, dockerd\'s errors', () => {
  assert.deepEqual(parseBind('/src:/dst:ro,rshared'), {
    kind: 'bind', source: '/src', destination: '/dst', readOnly: true, propagation: 'rshared', createSource: true,
  });
  assert.equal(parseBind('/src:/dst')?.propagation, 'rprivate');
  assert.equal(parseBind('named:/dst'), undefined);
  assert.equal(parseBind('/anonymous'), undefined);
  assert.throws(() => parseBind('/a:b'), { message: `invalid volume specification: '/a:b': invalid mount config for type "bind": invalid mount path: 'b' mount path must be absolute` });
  assert.throws(() => parseBind('/a:/b:foo'), { message: 'invalid mode: foo' });
  assert.throws(() => parseBind('/a:/b:c:d'), { message: "invalid volume specification: '/a:/b:c:d'" });
});

test('--mount bind/tmpfs and --tmpfs', () => {
  assert.deepEqual(parseMount({ Type: 'tmpfs', Target: '/t', TmpfsOptions: { SizeBytes: 1024, Mode: 0o700 } }), {
    kind: 'tmpfs', destination: '/t', options: ['nosuid', 'nodev', 'noexec', 'size=1024', 'mode=700'],
  });
  assert.equal(parseMount({ Type: 'bind', Source: '/s', Target: '/t', BindOptions: { Propagation: 'rslave' } })?.kind, 'bind');
  assert.throws(() => parseMount({ Type: 'bind', Source: '/s' }), { message: 'invalid mount config for type "bind": field Target must not be empty' });
  assert.throws(() => parseMount({ Type: 'tmpfs', Source: '/s', Target: '/t' }), { message: 'invalid mount config for type "tmpfs": field Source must not be specified' });
  assert.throws(() => parseMount({ Type: 'bogus', Target: '/t' }), { message: 'invalid mount config for type "bogus": mount type unknown' });
  assert.deepEqual(tmpfsOptions('rw,exec,size=1m'), ['nosuid', 'nodev', 'rw', 'exec', 'size=1m']);
  assert.throws(() => userMounts({ Binds: ['/a:/x'], Tmpfs: { '/x': '' } }), { message: 'Duplicate mount point: /x' });
});

test('bind sources: -v creates a missing directory, --mount refuses', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnt-'));
  const missing = path.join(dir, 'a', 'b');
  const viaV = userMounts({ Binds: [`${missing}:/x`] });
  checkBindSources(viaV, false);
  assert.equal(fs.existsSync(missing), false);
  checkBindSources(viaV, true);
  assert.equal(fs.statSync(missing).isDirectory(), true);
  const viaMount = userMounts({ Mounts: [{ Type: 'bind', Source: path.join(dir, 'nope'), Target: '/x' }] });
  assert.throws(() => checkBindSources(viaMount, true), { message: `invalid mount config for type "bind": bind source path does not exist: ${path.join(dir, 'nope')}` });
  fs.rmSync(dir, { recursive: true });
});

test('spec options: user mounts replace defaults, propagation, read-only root, shm, init', () => {
  const mounts = userMounts({ Binds: ['/h/deep:/a/b', '/h:/a:rshared'], Tmpfs: { '/dev/shm': 'size=1m' } });
  const spec = buildSpec([
    withProcessArgs(['sh', '-c', 'true']), withShm({ kind: 'private', size: 1234 }), withUserMounts(mounts),
    withReadonlyRootfs(true), withInit('/usr/bin/tini-static'),
  ]);
  const dests = spec.mounts.map((m) => m.destination);
  assert.equal(dests.filter((d) => d === '/dev/shm').length, 1);
  assert.ok(dests.indexOf('/a') < dests.indexOf('/a/b'), 'parents first');
  assert.deepEqual(spec.mounts.find((m) => m.destination === '/a')?.options, ['rbind', 'rshared', 'rw']);
  // a non-recursive bind gets the plain propagation (crun would make the bind recursive with rprivate)
  const nonRec = buildSpec([withUserMounts(userMounts({ Mounts: [{ Type: 'bind', Source: '/h', Target: '/n', BindOptions: { NonRecursive: true } }] }))]);
  assert.deepEqual(nonRec.mounts.find((m) => m.destination === '/n')?.options, ['bind', 'private', 'rw']);
  // read-only is recursive for a directory, plain for a file (crun 1.8 refuses rro there)
  const ro = buildSpec([withUserMounts(userMounts({ Binds: ['/etc:/d:ro', '/etc/hostname:/f:ro'] }))]);
  assert.deepEqual(ro.mounts.find((m) => m.destination === '/d')?.options, ['rbind', 'rprivate', 'rro']);
  assert.deepEqual(ro.mounts.find((m) => m.destination === '/f')?.options, ['rbind', 'rprivate', 'ro']);
  assert.equal(spec.linux.rootfsPropagation, 'rshared');
  assert.equal(spec.root.readonly, true);
  assert.deepEqual(spec.process.args, ['/sbin/docker-init', '--', 'sh', '-c', 'true']);
  assert.deepEqual(spec.mounts.find((m) => m.destination === '/sbin/docker-init')?.options, ['rbind', 'rprivate', 'ro']);
  const shm = buildSpec([withShm({ kind: 'private', size: 1234 })]).mounts.find((m) => m.destination === '/dev/shm');
  assert.ok(shm?.options?.includes('size=1234'));
  assert.equal(buildSpec([withShm({ kind: 'none' })]).mounts.some((m) => m.destination === '/dev/shm'), false);
});
