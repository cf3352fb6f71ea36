// Volumes end to end with the real docker CLI (and docker-py): `docker volume` create/ls/inspect/rm/
// prune with filters and labels, tmpfs volumes, data shared between containers, --volumes-from,
// `rm -v`, image VOLUMEs with copy-up, dockerd's errors, survival of a berthd kill -9, and nothing
// left mounted on the host once containers and volumes are gone.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BadRequestError, ConflictError, NotFoundError } from '@berth/client';
import { clientOf, closeClients, rejectsWith } from './client-of.js';
import { Berthd, busyboxTar, cliAsserts, dockerPy, skipReason, startBerthd } from './harness.js';

describe('volumes', { skip: skipReason, timeout: 300_000 }, () => {
  let d: Berthd;
  const api = () => clientOf(d);

  const { ok, fails } = cliAsserts(() => d);
  /** Host mounts under this berthd's roots. */
  // (the roots themselves, should they be mount points, are not berthd's doing)
  const ourMounts = (): string[] => fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')
    .map((l) => l.split(' ')[4] ?? '').filter((m) => m.startsWith(d.root) && m !== d.dataRoot && m !== d.execRoot)
    // berthd's read-only bind mount of crun (src/runtime/selection/crun-wrapper.ts) is there while it runs
    .filter((m) => m !== path.join(d.execRoot, 'runtimes', 'crun.ro'));

  before(async () => {
    d = await startBerthd();
    await ok(['load', '-i', await busyboxTar()]);
  });

  after(async () => {
    if (!d) return;
    closeClients(d);
    await d.stop('SIGTERM');
    d.cleanup();
  });

  test('docker volume create, ls with filters, inspect, rm, prune with labels', async () => {
    assert.equal(await ok(['volume', 'create', '--label', 'team=a', 'va']), 'va');
    await ok(['volume', 'create', '--label', 'team=b', 'vb']);
    await ok(['volume', 'create', 'vc']);
    // idempotent: the same name again answers the existing volume
    assert.equal(await ok(['volume', 'create', '--label', 'team=a', 'va']), 'va');
    const inspect = JSON.parse(await ok(['volume', 'inspect', 'va'])) as Array<Record<string, unknown>>;
    assert.equal(inspect[0]!.Driver, 'local');
    assert.equal(inspect[0]!.Scope, 'local');
    assert.deepEqual(inspect[0]!.Labels, { 'team': 'a' });
    assert.equal(inspect[0]!.Mountpoint, path.join(d.dataRoot, 'volumes', 'va', '_data'));
    assert.match(String(inspect[0]!.CreatedAt), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(await ok(['volume', 'ls', '-q', '-f', 'label=team=a']), 'va');
    assert.deepEqual((await ok(['volume', 'ls', '-q', '-f', 'label=team'])).split('\n').sort(), ['va', 'vb']);
    assert.equal(await ok(['volume', 'ls', '-q', '-f', 'name=c']), 'vc');
    assert.equal(await ok(['volume', 'ls', '-q', '-f', 'driver=loc']), '');
    await ok(['run', '--name', 'user-a', '-v', 'va:/d', 'busybox', 'true']);
    assert.deepEqual((await ok(['volume', 'ls', '-q', '-f', 'dangling=true'])).split('\n').sort(), ['vb', 'vc']);
    // prune at 1.42+ takes anonymous volumes only unless --all (one created without a name is
    // anonymous, as in moby, and carries the label); labels filter
    const anon = await ok(['volume', 'create']);
    assert.match(anon, /^[0-9a-f]{64}$/);
    assert.deepEqual(JSON.parse(await ok(['volume', 'inspect', '-f', '{{json .Labels}}', anon])), { 'com.docker.volume.anonymous': '' });
    const pruned = await ok(['volume', 'prune', '-f']);
    assert.match(pruned, new RegExp(anon));
    assert.doesNotMatch(pruned, /vb|vc/);
    assert.match(await ok(['volume', 'prune', '-f', '--all', '--filter', 'label=team=b']), /vb/);
    assert.equal(await ok(['volume', 'ls', '-q', '-f', 'name=vb']), '');
    // in use: 409 naming the container, also with -f
    const id = await ok(['inspect', '-f', '{{.Id}}', 'user-a']);
    await rejectsWith(api().volumeDelete({ name: 'va', force: true }), ConflictError, `remove va: volume is in use - [${id}]`);
    await ok(['rm', 'user-a']);
    await ok(['volume', 'rm', 'va', 'vc']);
    await fails(['volume', 'inspect', 'va'], /get va: no such volume/);
    await api().volumeDelete({ name: 'va', force: true }); // gone already: no error with force
  });

  test('bad input: dockerd\'s statuses and messages; berthd stays up', async () => {
    await rejectsWith(api().volumeCreate({ body: { Name: 'bad/name' } }), BadRequestError, 'create bad/name: "bad/name" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path');
    await rejectsWith(api().volumeCreate({ body: { Name: 'a' } }), BadRequestError, 'create a: volume name is too short, names should be at least two alphanumeric characters');
    await rejectsWith(api().volumeCreate({ body: { Name: 'vo', DriverOpts: { bogus: 'x' } } }), BadRequestError, 'create vo: invalid option: "bogus"');
    await rejectsWith(api().volumeCreate({ body: { Name: 'vo', DriverOpts: { type: 'tmpfs' } } }), BadRequestError, 'create vo: missing required option: "device"');
    await rejectsWith(api().volumeCreate({ body: { Name: 'vo', Driver: 'nfsplugin' } }), NotFoundError, 'create vo: error looking up volume plugin nfsplugin: plugin "nfsplugin" not found');
    await fails(['run', '--rm', '-v', 'x!y:/d', 'busybox', 'true'], /create x!y: "x!y" includes invalid characters/);
    await fails(['run', '--rm', '-v', 'v1:rel', 'busybox', 'true'], /invalid mount config for type "volume": invalid mount path: 'rel' mount path must be absolute/);
    await fails(['run', '--rm', '-v', 'v1:/x:bogus', 'busybox', 'true'], /invalid mode: bogus/);
    await fails(['run', '--rm', '--volumes-from', 'nosuch', 'busybox', 'true'], /No such container: nosuch/);
    await rejectsWith(clientOf(d, '1.20').call('volumeList'), NotFoundError); // volumes exist from 1.21 (not a method of a 1.20 client)
    assert.equal(await api().systemPing(), 'OK');
  });

  test('named volume: data written by one container is read by the next; ro; Mounts in inspect and ps', async () => {
    await ok(['run', '--rm', '-v', 'shared:/data', 'busybox', 'sh', '-c', 'echo persisted > /data/f']);
    assert.equal(await ok(['run', '--rm', '-v', 'shared:/data:ro', 'busybox', 'cat', '/data/f']), 'persisted');
    await fails(['run', '--rm', '-v', 'shared:/data:ro', 'busybox', 'touch', '/data/g'], /Read-only file system/);
    await ok(['create', '--name', 'mnt', '-v', 'shared:/data', '-v', `${d.root}:/host:ro`, '--mount', 'type=tmpfs,dst=/tm', 'busybox', 'true']);
    const mounts = JSON.parse(await ok(['inspect', '-f', '{{json .Mounts}}', 'mnt'])) as Array<Record<string, unknown>>;
    const byDest = Object.fromEntries(mounts.map((m) => [m.Destination, m]));
    assert.deepEqual(byDest['/data'], {
      Type: 'volume', Name: 'shared', Source: path.join(d.dataRoot, 'volumes/shared/_data'), Destination: '/data', Driver: 'local', Mode: 'z', RW: true, Propagation: '',
    });
    assert.deepEqual(byDest['/host'], { Type: 'bind', Source: d.root, Destination: '/host', Mode: 'ro', RW: false, Propagation: 'rprivate' });
    assert.deepEqual(byDest['/tm'], { Type: 'tmpfs', Source: '', Destination: '/tm', Mode: '', RW: true, Propagation: '' });
    // the CLI names each mount by its Name or Source (a tmpfs has neither); the CLI sends Binds in map order
    const [name, list = ''] = (await ok(['ps', '-a', '--filter', 'volume=shared', '--format', '{{.Names}} {{.Mounts}}'])).split(' ');
    assert.equal(name, 'mnt');
    assert.deepEqual(list.split(',').sort(), ['', d.root, 'shared'].sort());
    // the old shapes: Volumes/VolumesRW maps before 1.20
    const old = await clientOf(d, '1.18').containerInspect({ id: 'mnt' }); // typed as 1.18's inspect
    assert.deepEqual(old.Volumes, { '/data': path.join(d.dataRoot, 'volumes/shared/_data'), '/host': d.root, '/tm': '' });
    assert.deepEqual(old.VolumesRW, { '/data': true, '/host': false, '/tm': true });
    await ok(['rm', 'mnt']);
  });

  test('tmpfs volume with options mounts as tmpfs; unmounted on the host after exit', async () => {
    await ok(['volume', 'create', '-o', 'type=tmpfs', '-o', 'device=tmpfs', '-o', 'o=size=10m', 'tv']);
    const line = await ok(['run', '--rm', '-v', 'tv:/t', 'busybox', 'grep', ' /t ', '/proc/mounts']);
    assert.match(line, /^tmpfs \/t tmpfs .*size=10240k/);
    assert.deepEqual(ourMounts(), []);
    // --mount with volume options creates the volume with them
    const m = await ok(['run', '--rm', '--mount', 'type=volume,src=tv2,dst=/t,volume-opt=type=tmpfs,volume-opt=device=tmpfs', 'busybox', 'grep', ' /t ', '/proc/mounts']);
    assert.match(m, /^tmpfs \/t tmpfs/);
    assert.deepEqual(JSON.parse(await ok(['volume', 'inspect', '-f', '{{json .Options}}', 'tv2'])), { type: 'tmpfs', device: 'tmpfs' });
    await ok(['volume', 'rm', 'tv', 'tv2']);
  });

  test('--volumes-from sees the data; rm -v removes anonymous volumes only', async () => {
    await ok(['run', '--name', 'vsrc', '-v', 'keepme:/named', '-v', '/anon', '--mount', 'type=volume,dst=/anon2', 'busybox', 'sh', '-c', 'echo n > /named/f; echo a > /anon/f; echo b > /anon2/f']);
    assert.equal(await ok(['run', '--rm', '--volumes-from', 'vsrc', 'busybox', 'cat', '/named/f', '/anon/f', '/anon2/f']), 'n\na\nb');
    await fails(['run', '--rm', '--volumes-from', 'vsrc:ro', 'busybox', 'touch', '/named/g'], /Read-only file system/);
    await fails(['run', '--rm', '--volumes-from', 'vsrc:bogus', 'busybox', 'true'], /invalid mode: bogus/);
    const mounts = JSON.parse(await ok(['inspect', '-f', '{{json .Mounts}}', 'vsrc'])) as Array<{ Name: string; Destination: string }>;
    const anon = mounts.filter((m) => m.Destination !== '/named').map((m) => m.Name);
    assert.equal(anon.length, 2);
    for (const name of anon) assert.match(name, /^[0-9a-f]{64}$/);
    await ok(['rm', '-v', 'vsrc']);
    const left = (await ok(['volume', 'ls', '-q'])).split('\n');
    assert.ok(left.includes('keepme'));
    for (const name of anon) assert.ok(!left.includes(name), `${name} should be gone`);
    await ok(['volume', 'rm', 'keepme']);
  });

  test('image VOLUME: an anonymous volume with the image\'s files copied up (not with nocopy)', async () => {
    await ok(['run', '--name', 'imgsrc', 'busybox', 'sh', '-c', 'mkdir -p /x/sub && echo from-image > /x/sub/file && chown 7:8 /x && chmod 750 /x']);
    await ok(['commit', '--change', 'VOLUME /x', 'imgsrc', 'volimg']);
    await ok(['rm', 'imgsrc']);
    assert.equal(await ok(['run', '--name', 'iv', 'volimg', 'sh', '-c', 'cat /x/sub/file; stat -c "%u:%g %a" /x']), 'from-image\n7:8 750');
    const [m] = JSON.parse(await ok(['inspect', '-f', '{{json .Mounts}}', 'iv'])) as Array<{ Name: string; Destination: string; Mode: string }>;
    assert.equal(m!.Destination, '/x');
    assert.match(m!.Name, /^[0-9a-f]{64}$/);
    assert.equal(fs.readFileSync(path.join(d.dataRoot, 'volumes', m!.Name, '_data/sub/file'), 'utf8'), 'from-image\n');
    // a named volume over the image's path: copied when empty, kept afterwards, skipped with nocopy
    assert.equal(await ok(['run', '--rm', '-v', 'cu:/x', 'volimg', 'cat', '/x/sub/file']), 'from-image');
    await ok(['run', '--rm', '-v', 'cu:/x', 'busybox', 'sh', '-c', 'echo changed > /x/sub/file']);
    assert.equal(await ok(['run', '--rm', '-v', 'cu:/x', 'volimg', 'cat', '/x/sub/file']), 'changed');
    assert.equal(await ok(['run', '--rm', '-v', 'nc:/x:nocopy', 'volimg', 'ls', '-A', '/x']), '');
    await ok(['rm', '-v', 'iv']);
    await ok(['volume', 'rm', 'cu', 'nc']);
  });

  test('VolumeOptions.Subpath (1.45): a directory, a file, links inside the volume; escapes and missing paths refused', async () => {
    await ok(['volume', 'create', 'sub']);
    await ok(['run', '--rm', '-v', 'sub:/volume', 'busybox', 'sh', '-c',
      'echo foo > /volume/bar.txt && mkdir /volume/bin /volume/subdir /volume/hack && echo world > /volume/subdir/hello.txt'
      + ' && ln -s / /volume/hack/root && ln -s ../subdir /volume/hack/good && ln -s root /volume/hack/bad']);
    const create = async (subpath: string, cmd: string[], target = '/volume', version = 'v1.45'): Promise<{ status: number; id: string; message: string }> => {
      const r = await d.request('POST', `/${version}/containers/create`, {
        Image: 'busybox', Cmd: cmd,
        HostConfig: { Mounts: [{ Type: 'volume', Source: 'sub', Target: target, VolumeOptions: { Subpath: subpath } }] },
      });
      const body = JSON.parse(r.body) as { Id?: string; message?: string };
      return { status: r.status, id: body.Id ?? '', message: body.message ?? '' };
    };
    const output = async (subpath: string, cmd: string[], target?: string): Promise<string> => {
      const c = await create(subpath, cmd, target);
      assert.equal(c.status, 201, c.message);
      await ok(['start', c.id]);
      assert.equal(await ok(['wait', c.id]), '0', await ok(['logs', c.id]));
      const out = await ok(['logs', c.id]);
      await ok(['rm', c.id]);
      return out;
    };
    assert.equal(await output('subdir', ['ls', '/volume']), 'hello.txt');
    assert.equal(await output('hack/good', ['ls', '/volume']), 'hello.txt');
    assert.equal(await output('bar.txt', ['cat', '/volume']), 'foo');
    // an empty directory in the volume gets the image's content at the target, as a whole volume does
    assert.equal(await output('bin', ['ls', '/bin/busybox'], '/bin'), '/bin/busybox');
    assert.ok(fs.existsSync(path.join(d.dataRoot, 'volumes', 'sub', '_data', 'bin', 'busybox')));

    const back = await create('../../../../../../etc/passwd', ['cat', '/volume']);
    assert.equal(back.status, 400);
    assert.match(back.message, /invalid mount config for type "volume": subpath must be a relative path within the volume/);
    const old = await create('subdir', ['ls', '/volume'], '/volume', 'v1.44');
    assert.equal(old.status, 400);
    assert.equal(old.message, 'VolumeOptions.Subpath needs API v1.45 or newer');
    const startFails = async (subpath: string, message: RegExp): Promise<void> => {
      const c = await create(subpath, ['ls', '/volume']);
      assert.equal(c.status, 201, c.message);
      const r = await d.request('POST', `/containers/${c.id}/start`);
      assert.ok(r.status >= 400 && r.status < 500, `start with subpath ${subpath}: ${r.status} ${r.body}`);
      assert.match(r.body, message);
      await ok(['rm', c.id]);
    };
    await startFails('not-existing-path', /cannot access path .*not-existing-path/);
    await startFails('hack/root', /path concatenation escapes the base directory/);
    await startFails('hack/bad', /path concatenation escapes the base directory/);
    // nothing of the host's / leaked into the volume, and the volume is released
    assert.deepEqual(fs.readdirSync(path.join(d.dataRoot, 'volumes', 'sub', '_data')).sort(), ['bar.txt', 'bin', 'hack', 'subdir']);
    await ok(['volume', 'rm', 'sub']);
  });

  test('image mounts (1.48): an image read-only at a path, its Subpath, rmi conflicts, restart after rmi -f', async () => {
    await ok(['run', '--name', 'img-src', 'busybox', 'sh', '-c',
      'echo bar > /foo && mkdir -p /subdir /hack && echo world > /subdir/hello && ln -s ../subdir /hack/good && ln -s ../../../../../../../../../../../../../../../../etc /hack/bad']);
    await ok(['commit', 'img-src', 'mountme:1']);
    await ok(['rm', 'img-src']);
    const create = async (cmd: string[], opts: Record<string, unknown> = {}, version = 'v1.48'): Promise<{ status: number; id: string; message: string }> => {
      const r = await d.request('POST', `/${version}/containers/create`, {
        Image: 'busybox', Cmd: cmd, HostConfig: { Mounts: [{ Type: 'image', Source: 'mountme:1', Target: '/image', ...opts }] },
      });
      const body = JSON.parse(r.body) as { Id?: string; message?: string };
      return { status: r.status, id: body.Id ?? '', message: body.message ?? '' };
    };
    const run = async (cmd: string[], opts: Record<string, unknown> = {}): Promise<{ id: string; code: string; out: string }> => {
      const c = await create(cmd, opts);
      assert.equal(c.status, 201, c.message);
      await ok(['start', c.id]);
      const code = await ok(['wait', c.id]);
      const r = await d.docker(['logs', c.id]);
      return { id: c.id, code, out: (r.stdout + r.stderr).trim() };
    };
    const whole = await run(['sh', '-c', 'cat /image/foo && ls /image/subdir && touch /image/x']);
    assert.match(whole.out, /^bar\nhello\ntouch: \/image\/x: Read-only file system$/);
    assert.equal(whole.code, '1');
    const mounts = JSON.parse(await ok(['inspect', '-f', '{{json .Mounts}}', whole.id])) as Array<Record<string, unknown>>;
    assert.equal(mounts.length, 1);
    assert.equal(mounts[0]!.Type, 'image');
    assert.equal(mounts[0]!.Destination, '/image');
    assert.equal(mounts[0]!.RW, false);
    await ok(['rm', whole.id]);
    for (const [subpath, cmd, want] of [['subdir', ['ls', '/image'], 'hello'], ['hack/good', ['ls', '/image'], 'hello'], ['subdir/hello', ['cat', '/image'], 'world']] as const) {
      const r = await run([...cmd], { ImageOptions: { Subpath: subpath } });
      assert.deepEqual([r.code, r.out], ['0', want], subpath);
      await ok(['rm', r.id]);
    }
    const back = await create(['true'], { ImageOptions: { Subpath: '../../etc/passwd' } });
    assert.equal(back.status, 400);
    assert.match(back.message, /invalid mount config for type "image": subpath must be a relative path within the volume/);
    const old = await create(['true'], {}, 'v1.47');
    assert.equal(old.status, 400);
    assert.equal(old.message, 'Mount type "Image" needs API v1.48 or newer');
    const missing = await d.request('POST', '/containers/create', { Image: 'busybox', HostConfig: { Mounts: [{ Type: 'image', Source: 'nope:1', Target: '/image' }] } });
    assert.equal(missing.status, 404);
    assert.match(missing.body, /No such image: nope:1/);
    for (const [subpath, message] of [['hack/bad', /path concatenation escapes the base directory/], ['not-existing-path', /cannot access path/]] as const) {
      const c = await create(['true'], { ImageOptions: { Subpath: subpath } });
      const r = await d.request('POST', `/containers/${c.id}/start`);
      assert.ok(r.status >= 400 && r.status < 500, `${subpath}: ${r.status} ${r.body}`);
      assert.match(r.body, message);
      await ok(['rm', c.id]);
    }
    // the image is in use: untagging its last name needs force; forced away, the container still starts
    const user = await run(['cat', '/image/foo']);
    const imageId = (await ok(['image', 'inspect', '-f', '{{.Id}}', 'mountme:1'])).replace('sha256:', '');
    await fails(['rmi', 'mountme:1'], new RegExp(`container ${user.id.slice(0, 12)} is using its referenced image ${imageId.slice(0, 12)}`));
    await ok(['rmi', '-f', 'mountme:1']);
    await ok(['start', user.id]);
    assert.equal(await ok(['wait', user.id]), '0');
    assert.equal(await ok(['logs', user.id]), 'bar\nbar');
    await ok(['rm', user.id]);
    assert.deepEqual(ourMounts().filter((m) => m.includes('image-mounts')), []);
  });

  test('bind options: read-only is recursive, ReadOnlyNonRecursive, NonRecursive, CreateMountpoint; dockerd\'s refusals', async () => {
    const src = fs.mkdtempSync(path.join(d.root, 'bindsrc-'));
    fs.mkdirSync(path.join(src, 'sub'));
    assert.equal(spawnSync('mount', ['-t', 'tmpfs', 'tmpfs', path.join(src, 'sub')]).status, 0);
    try {
      fs.writeFileSync(path.join(src, 'sub', 'in-submount'), 'x');
      const run = async (bind: Record<string, unknown>, cmd: string, version = 'v1.48'): Promise<{ status: number; code: string; out: string; message: string }> => {
        const r = await d.request('POST', `/${version}/containers/create`, {
          Image: 'busybox', Cmd: ['sh', '-c', cmd], HostConfig: { Mounts: [{ Type: 'bind', Source: src, Target: '/b', ...bind }] },
        });
        const body = JSON.parse(r.body) as { Id?: string; message?: string };
        if (r.status !== 201) return { status: r.status, code: '', out: '', message: body.message ?? '' };
        await ok(['start', body.Id!]);
        const code = await ok(['wait', body.Id!]);
        const logs = await d.docker(['logs', body.Id!]);
        await ok(['rm', body.Id!]);
        return { status: 201, code, out: (logs.stdout + logs.stderr).trim(), message: '' };
      };
      const writes = 'touch /b/top 2>/dev/null && echo top-rw || echo top-ro; touch /b/sub/f 2>/dev/null && echo sub-rw || echo sub-ro';
      assert.equal((await run({ ReadOnly: true }, writes)).out, 'top-ro\nsub-ro');
      assert.equal((await run({ ReadOnly: true, BindOptions: { ReadOnlyNonRecursive: true } }, writes)).out, 'top-ro\nsub-rw');
      assert.equal((await run({ ReadOnly: true, BindOptions: { ReadOnlyForceRecursive: true } }, writes)).out, 'top-ro\nsub-ro');
      assert.equal((await run({}, writes)).out, 'top-rw\nsub-rw');
      // -v …:ro is recursive too
      const c = await ok(['run', '-d', '-v', `${src}:/b:ro`, 'busybox', 'sh', '-c', writes]);
      await ok(['wait', c]);
      assert.equal(await ok(['logs', c]), 'top-ro\nsub-ro');
      await ok(['rm', c]);
      // NonRecursive: the submount stays behind (the directory under it is seen); ignored before 1.40
      assert.equal((await run({ BindOptions: { NonRecursive: true } }, 'ls /b/sub')).out, '');
      assert.equal((await run({}, 'ls /b/sub')).out, 'f\nin-submount');
      assert.equal((await run({ BindOptions: { NonRecursive: true } }, 'ls /b/sub', 'v1.39')).out, 'f\nin-submount');
      const conflict = await run({ ReadOnly: true, BindOptions: { ReadOnlyNonRecursive: true, ReadOnlyForceRecursive: true } }, 'true');
      assert.deepEqual([conflict.status, conflict.message], [400, 'mount options conflict: ReadOnlyNonRecursive && ReadOnlyForceRecursive']);
      const old = await run({ ReadOnly: true, BindOptions: { ReadOnlyForceRecursive: true } }, 'true', 'v1.43');
      assert.deepEqual([old.status, old.message], [400, 'BindOptions.ReadOnlyForceRecursive needs API v1.44 or newer']);
      // a missing source: refused, unless CreateMountpoint
      const missing = path.join(src, 'missing', 'dir');
      const r = await d.request('POST', '/containers/create', { Image: 'busybox', HostConfig: { Mounts: [{ Type: 'bind', Source: missing, Target: '/m' }] } });
      assert.equal(r.status, 400);
      assert.match(r.body, /bind source path does not exist/);
      const made = await d.request('POST', '/containers/create', { Image: 'busybox', Cmd: ['true'], HostConfig: { Mounts: [{ Type: 'bind', Source: missing, Target: '/m', BindOptions: { CreateMountpoint: true } }] } });
      assert.equal(made.status, 201, made.body);
      const madeId = (JSON.parse(made.body) as { Id: string }).Id;
      await ok(['start', madeId]); // dockerd makes the source when the mount is set up
      assert.ok(fs.statSync(missing).isDirectory());
      await ok(['rm', '-f', madeId]);
    } finally {
      spawnSync('umount', [path.join(src, 'sub')]);
      fs.rmSync(src, { recursive: true, force: true });
    }
  });

  test('system df: volumes with their size and links', async () => {
    await ok(['run', '--name', 'dfc', '-v', 'dfv:/d', 'busybox', 'sh', '-c', 'head -c 1000 /dev/zero > /d/f']);
    const df = await clientOf(d, '1.41').systemDataUsage();
    const v = df.Volumes?.find((x) => x.Name === 'dfv');
    assert.deepEqual(v?.UsageData, { Size: 1000, RefCount: 1 });
    await ok(['rm', 'dfc']);
    await ok(['volume', 'rm', 'dfv']);
  });

  test('docker-py volume calls', { skip: dockerPy ? false : 'no python3 with the docker module' }, async () => {
    const script = `
import docker
c = docker.DockerClient(base_url=${JSON.stringify(d.host)})
v = c.volumes.create(name='pyvol', driver='local', labels={'x': 'y'})
assert v.attrs['Labels'] == {'x': 'y'}, v.attrs
assert c.volumes.get('pyvol').name == 'pyvol'
assert 'pyvol' in [x.name for x in c.volumes.list(filters={'label': 'x=y'})]
out = c.containers.run('busybox', ['sh', '-c', 'echo py > /v/f; cat /v/f'], volumes={'pyvol': {'bind': '/v', 'mode': 'rw'}}, remove=True)
assert out == b'py\\n', out
c.api.create_volume('pyvol2', driver_opts={'type': 'tmpfs', 'device': 'tmpfs'})
assert c.api.inspect_volume('pyvol2')['Options'] == {'type': 'tmpfs', 'device': 'tmpfs'}
c.volumes.get('pyvol2').remove()
v.remove(force=True)
try:
    c.volumes.get('pyvol')
    raise SystemExit('still there')
except docker.errors.NotFound:
    pass
r = c.volumes.prune()
assert 'VolumesDeleted' in r
print('ok')
`;
    const r = spawnSync(dockerPy!, ['-c', script], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.equal(r.stdout.trim(), 'ok');
  });

  test('volumes and their data survive berthd kill -9; nothing left mounted once all is removed', async () => {
    await ok(['volume', 'create', '-o', 'type=tmpfs', '-o', 'device=tmpfs', 'rtmp']);
    await ok(['run', '--rm', '-v', 'rdata:/d', 'busybox', 'sh', '-c', 'echo kept > /d/f']);
    await ok(['run', '-d', '--name', 'rrun', '-v', 'rtmp:/t', '-v', 'rdata:/d', 'busybox', 'sleep', '300']);
    await d.stop('SIGKILL');
    await d.start();
    const names = (await ok(['volume', 'ls', '-q'])).split('\n');
    assert.ok(names.includes('rdata') && names.includes('rtmp'), names.join(' '));
    assert.equal(await ok(['run', '--rm', '-v', 'rdata:/d', 'busybox', 'cat', '/d/f']), 'kept');
    // still in use by the container that kept running
    await rejectsWith(api().volumeDelete({ name: 'rtmp' }), ConflictError);
    assert.equal(await ok(['exec', 'rrun', 'sh', '-c', 'grep -c " /t tmpfs" /proc/mounts']), '1');
    await ok(['rm', '-f', 'rrun']);
    await ok(['volume', 'rm', 'rtmp', 'rdata']);
    for (const c of (await ok(['ps', '-aq'])).split('\n').filter(Boolean)) await ok(['rm', '-f', '-v', c]);
    await ok(['volume', 'prune', '-af']);
    assert.equal(await ok(['volume', 'ls', '-q']), '');
    assert.deepEqual(ourMounts(), []);
  });
});
