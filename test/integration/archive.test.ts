// docker cp end to end with the real docker CLI: host→container and back for files, directories and
// symlinks, byte-exact; a stopped container; a volume path; -a, -L and `-` streams; hostile tars
// and a rootfs symlink to `/` that must write nothing on the host; dockerd's errors.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import tar from 'tar-stream';
import { BadRequestError, NotFoundError } from '@berth/client';
import { clientOf, closeClients, rejectsWith } from './client-of.js';
import { Berthd, busyboxTar, cliAsserts, skipReason, startBerthd } from './harness.js';

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** A tar built in memory from entries. */
async function makeTar(entries: Array<{ name: string; type?: 'file' | 'symlink' | 'directory' | 'link'; body?: string; linkname?: string }>): Promise<Buffer> {
  const pack = tar.pack();
  for (const e of entries) pack.entry({ name: e.name, type: e.type ?? 'file', ...(e.linkname ? { linkname: e.linkname } : {}), mode: e.type === 'directory' ? 0o755 : 0o644 }, e.body ?? '');
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('archive (docker cp)', { skip: skipReason, timeout: 300_000 }, () => {
  let d: Berthd;
  let tmp: string;
  const { ok, fails } = cliAsserts(() => d);

  /** A raw request with a binary body; the response body as bytes. */
  const raw = (method: string, p: string, body?: Buffer): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const req = http.request({ socketPath: d.socket, method, path: p, headers: body ? { 'Content-Type': 'application/x-tar', 'Content-Length': body.length } : {} }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      req.end(body);
    });

  before(async () => {
    d = await startBerthd();
    await ok(['load', '-i', await busyboxTar()]);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-cp-'));
  });

  after(async () => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    if (!d) return;
    closeClients(d);
    await d.stop('SIGTERM');
    d.cleanup();
  });

  test('files, directories and symlinks both ways, byte-exact, running and stopped', async () => {
    const blob = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 251));
    fs.writeFileSync(path.join(tmp, 'blob.bin'), blob);
    fs.mkdirSync(path.join(tmp, 'dir/sub'), { recursive: true });
    fs.writeFileSync(path.join(tmp, 'dir/sub/a.txt'), 'hello\n');
    fs.symlinkSync('sub/a.txt', path.join(tmp, 'dir/link'));
    await ok(['run', '-d', '--name', 'cp-run', 'busybox', 'sleep', '300']);
    await ok(['create', '--name', 'cp-stopped', 'busybox', 'true']);
    for (const c of ['cp-run', 'cp-stopped']) {
      await ok(['cp', path.join(tmp, 'blob.bin'), `${c}:/tmp/blob.bin`]);
      await ok(['cp', path.join(tmp, 'dir'), `${c}:/tmp/`]);
      const back = path.join(tmp, `back-${c}`);
      fs.mkdirSync(back);
      await ok(['cp', `${c}:/tmp/blob.bin`, path.join(back, 'blob.bin')]);
      assert.equal(sha(fs.readFileSync(path.join(back, 'blob.bin'))), sha(blob));
      await ok(['cp', `${c}:/tmp/dir`, back]);
      assert.equal(fs.readFileSync(path.join(back, 'dir/sub/a.txt'), 'utf8'), 'hello\n');
      assert.equal(fs.readlinkSync(path.join(back, 'dir/link')), 'sub/a.txt');
      // -L copies the link's target, without it the link itself
      await ok(['cp', `${c}:/tmp/dir/link`, path.join(back, 'plain-link')]);
      assert.ok(fs.lstatSync(path.join(back, 'plain-link')).isSymbolicLink());
      await ok(['cp', '-L', `${c}:/tmp/dir/link`, path.join(back, 'followed')]);
      assert.equal(fs.readFileSync(path.join(back, 'followed'), 'utf8'), 'hello\n');
    }
    await ok(['start', 'cp-stopped']);
    assert.equal(await ok(['exec', 'cp-run', 'sha256sum', '/tmp/blob.bin']), `${sha(blob)}  /tmp/blob.bin`);
    assert.equal(await ok(['logs', 'cp-stopped']), '');
    await ok(['rm', '-f', 'cp-run', 'cp-stopped']);
  });

  test('stat header, `-` streams, -a ownership, volume paths', async () => {
    await ok(['run', '-d', '--name', 'cp-vol', '-v', 'cpdata:/data', '--user', '1234:5678', 'busybox', 'sleep', '300']);
    // the X-Docker-Container-Path-Stat header, decoded by the client
    const stat = await clientOf(d).containerArchiveInfo({ id: 'cp-vol', path: '/bin/sh' });
    assert.equal(stat.name, 'sh');
    assert.equal(stat.linkTarget !== '' || (stat.mode & 2 ** 27) === 0, true);
    const dirStat = await clientOf(d).containerArchiveInfo({ id: 'cp-vol', path: '/data' });
    assert.equal(dirStat.mode, 2 ** 31 + 0o755);
    // a tar on stdin, into the volume, ownership kept from the tar unless -a
    const t = await makeTar([{ name: 'in/', type: 'directory' }, { name: 'in/f.txt', body: 'volume data\n' }]);
    const r = await d.docker(['cp', '-', 'cp-vol:/data'], { input: t });
    assert.equal(r.code, 0, r.stderr);
    const volPath = JSON.parse(await ok(['volume', 'inspect', 'cpdata'])) as Array<{ Mountpoint: string }>;
    assert.equal(fs.readFileSync(path.join(volPath[0]!.Mountpoint, 'in/f.txt'), 'utf8'), 'volume data\n');
    fs.writeFileSync(path.join(tmp, 'owned.txt'), 'x');
    await ok(['cp', '-a', path.join(tmp, 'owned.txt'), 'cp-vol:/tmp/owned.txt']);
    assert.equal(await ok(['exec', 'cp-vol', 'stat', '-c', '%u:%g', '/tmp/owned.txt']), '1234:5678');
    // the tar out on stdout
    const out = spawnSync('docker', ['cp', 'cp-vol:/data/in/f.txt', '-'], { env: { ...process.env, DOCKER_HOST: d.host } });
    assert.equal(out.status, 0, out.stderr.toString());
    const names: string[] = [];
    const ex = tar.extract();
    ex.end(out.stdout);
    for await (const e of ex) { names.push(e.header.name); e.resume(); }
    assert.deepEqual(names, ['f.txt']);
    // the stopped container's view of the volume is the volume too
    await ok(['rm', '-f', 'cp-vol']);
    await ok(['create', '--name', 'cp-vol2', '-v', 'cpdata:/data', 'busybox', 'true']);
    const back = path.join(tmp, 'vol-back');
    await ok(['cp', 'cp-vol2:/data/in/f.txt', back]);
    assert.equal(fs.readFileSync(back, 'utf8'), 'volume data\n');
    await ok(['rm', '-f', 'cp-vol2']);
  });

  test('hostile tars and a rootfs symlink to / write nothing outside the container', async () => {
    await ok(['create', '--name', 'cp-evil', 'busybox', 'true']);
    const marker = `berth-escape-${process.pid}`;
    // links in the container's rootfs to / and far above it
    const links = await makeTar([{ name: 'rootlink', type: 'symlink', linkname: '/' }, { name: 'up', type: 'symlink', linkname: '../../../../../..' }]);
    assert.equal((await raw('PUT', '/containers/cp-evil/archive?path=/', links)).status, 200);
    for (const dest of ['/rootlink/tmp', '/up/tmp', '/rootlink']) {
      const t = await makeTar([{ name: `${marker}-a`, body: 'x' }, { name: `/tmp/${marker}-b`, body: 'x' }]);
      const res = await raw('PUT', `/containers/cp-evil/archive?path=${encodeURIComponent(dest)}`, t);
      assert.equal(res.status, 200, res.body.toString());
    }
    const dotdot = await makeTar([{ name: `../../../../tmp/${marker}-c`, body: 'x' }]);
    const bad = await raw('PUT', '/containers/cp-evil/archive?path=/tmp', dotdot);
    assert.equal(bad.status, 400);
    const badLink = await makeTar([{ name: 'l', type: 'symlink', linkname: '../../../../..' }, { name: 'l/tmp/x', body: 'x' }]);
    assert.equal((await raw('PUT', '/containers/cp-evil/archive?path=/tmp', badLink)).status, 400);
    // planted link then a file through it: lands in the container
    const plant = await makeTar([{ name: 'p', type: 'symlink', linkname: '/' }, { name: `p/tmp/${marker}-d`, body: 'x' }]);
    assert.equal((await raw('PUT', '/containers/cp-evil/archive?path=/', plant)).status, 200);
    for (const f of fs.readdirSync('/tmp')) assert.ok(!f.startsWith(marker), `host /tmp/${f} written`);
    assert.ok(!fs.readdirSync('/').some((f) => f.startsWith(marker)));
    // and a GET through the links stays inside
    const got = await raw('GET', '/containers/cp-evil/archive?path=/up/etc/passwd');
    assert.equal(got.status, 200);
    const ex = tar.extract();
    ex.end(got.body);
    for await (const e of ex) {
      const chunks: Buffer[] = [];
      for await (const c of e) chunks.push(c as Buffer);
      assert.ok(Buffer.concat(chunks).toString().startsWith('root:x:0:0:root:/root:/bin/sh'));
    }
    await ok(['rm', '-f', 'cp-evil']);
  });

  test("dockerd's errors", async () => {
    await ok(['create', '--name', 'cp-err', 'busybox', 'true']);
    const api = clientOf(d);
    await rejectsWith(api.containerArchive({ id: 'cp-err', path: '/nope' }), NotFoundError, 'Could not find the file /nope in container cp-err');
    await rejectsWith(api.containerArchiveInfo({ id: 'cp-err', path: '/nope' }), NotFoundError);
    await rejectsWith(api.containerArchive({ id: 'cp-err', path: '' }), BadRequestError, 'bad parameter: pathcannot be empty');
    await rejectsWith(api.putContainerArchive({ id: 'cp-err', path: '/tmp', body: Buffer.from('this is not a tar') }), BadRequestError, 'unexpected EOF');
    await rejectsWith(api.putContainerArchive({ id: 'cp-err', path: '/tmp', body: Buffer.alloc(1024, 'x') }), BadRequestError, 'archive/tar: invalid tar header');
    await rejectsWith(api.putContainerArchive({ id: 'cp-err', path: '/etc/passwd', body: await makeTar([{ name: 'x', body: 'x' }]) }), BadRequestError, 'extraction point is not a directory');
    await rejectsWith(api.putContainerArchive({ id: 'cp-err', path: '/nope', body: await makeTar([{ name: 'x', body: 'x' }]) }), NotFoundError);
    await fails(['cp', 'cp-err:/nope', tmp], /Could not find the file \/nope in container cp-err/);
    // the old /copy before 1.24 only: a method of a client pinned to 1.23, not of one pinned to 1.24
    const copied: Buffer[] = [];
    for await (const c of await clientOf(d, '1.23').containerCopy({ id: 'cp-err', body: { Resource: '/etc/passwd' } })) copied.push(c as Buffer);
    assert.match(Buffer.concat(copied).toString(), /root:x:0:0/);
    await rejectsWith(clientOf(d, '1.24').call('containerCopy', { id: 'cp-err', body: { Resource: '/etc' } }), NotFoundError);
    await ok(['rm', '-f', 'cp-err']);
  });
});
