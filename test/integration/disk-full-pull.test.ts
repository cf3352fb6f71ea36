// Resource faults during a registry pull: berthd's data root on a small filesystem, an image on
// Debian's docker-registry (127.0.0.1) with a layer bigger than what is left. The disk fills while the
// layer downloads, then (with more room) while it unpacks: each pull fails with a clear "no space left
// on device", leaves no image, no blob, no half-written ingest and no snapshot behind, and berthd stays
// up; once space is freed the same pull succeeds and the image's bytes are whole.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import tar from 'tar-stream';
import { Berthd, busyboxTar, cliAsserts, skipReason, waitFor } from './harness.js';
import { LocalRegistry, putBlob, registrySkipReason, sha } from './registry-fixture.js';

const MiB = 1024 * 1024;
/** the big layer's one file: incompressible, so the gzip blob and the unpacked file are both this big */
const BLOB_SIZE = 24 * MiB;
const SCHEMA2 = 'application/vnd.docker.distribution.manifest.v2+json';


/** Blobs, unfinished ingests and snapshots in the managed containerd's root, as files on disk. */
function storeFootprint(dataRoot: string): { blobs: string[]; ingest: string[]; snapshots: string[] } {
  const ls = (p: string): string[] => { try { return fs.readdirSync(p).sort(); } catch { return []; } };
  const root = path.join(dataRoot, 'containerd');
  return {
    blobs: ls(path.join(root, 'io.containerd.content.v1.content', 'blobs', 'sha256')),
    ingest: ls(path.join(root, 'io.containerd.content.v1.content', 'ingest')),
    snapshots: ls(path.join(root, 'io.containerd.snapshotter.v1.overlayfs', 'snapshots')),
  };
}

async function tarOf(name: string, body: Buffer): Promise<Buffer> {
  const pack = tar.pack();
  pack.entry({ name, mode: 0o644 }, body);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}


interface Manifest { mediaType?: string; config: { mediaType: string; size: number; digest: string }; layers: Array<{ mediaType: string; size: number; digest: string }> }

describe('resource faults: the disk fills during a pull', { skip: skipReason || registrySkipReason, timeout: 300_000 }, () => {
  let root = '';
  let d: Berthd;
  let reg: LocalRegistry;
  let ref = '';
  let blobHash = '';
  const { ok } = cliAsserts(() => d);
  const filler = (): string => path.join(d.dataRoot, 'filler');
  /** Leaves `free` bytes free on the data root's filesystem (the filler file takes the rest). */
  const leaveFree = (free: number): void => {
    fs.rmSync(filler(), { force: true });
    const st = fs.statfsSync(d.dataRoot);
    const take = st.bavail * st.bsize - free;
    assert.ok(take > 0, `only ${st.bavail * st.bsize} bytes free`);
    fs.writeFileSync(filler(), Buffer.alloc(take));
  };

  before(async () => {
    root = fs.mkdtempSync(path.join('/tmp', 'bi-'));
    fs.mkdirSync(path.join(root, 'data'));
    // the data root (containerd's content and snapshots, berthd's image store) on a 96 MiB filesystem
    const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=96m', 'berth-enospc-pull', path.join(root, 'data')]);
    assert.equal(m.status, 0, m.stderr?.toString());
    d = new Berthd(root);
    await d.start();
    await ok(['load', '-i', await busyboxTar()]);
    // the registry's storage is outside the small filesystem
    reg = new LocalRegistry(path.join(root, 'registry'));
    await reg.start();
    const base = `${reg.host}/big:base`;
    await ok(['tag', 'busybox', base]);
    await ok(['push', base]);
    await ok(['rmi', base]);
    // big:1 = busybox + one layer holding a 24 MiB random file, uploaded straight to the registry
    const res = await fetch(`http://${reg.host}/v2/big/manifests/base`, { headers: { Accept: SCHEMA2 } });
    assert.equal(res.status, 200);
    const manifest = await res.json() as Manifest;
    const configRes = await fetch(`http://${reg.host}/v2/big/blobs/${manifest.config.digest}`);
    const config = await configRes.json() as { rootfs: { diff_ids: string[] }; history?: unknown[] };
    const content = randomBytes(BLOB_SIZE);
    blobHash = createHash('sha256').update(content).digest('hex');
    const layerTar = await tarOf('blob', content);
    const layerGz = zlib.gzipSync(layerTar, { level: 1 });
    const layerDigest = await putBlob(reg.host, 'big', layerGz);
    config.rootfs.diff_ids.push(sha(layerTar));
    config.history = [...(config.history ?? []), { created: new Date().toISOString(), created_by: 'disk-full-pull test layer' }];
    const configBytes = Buffer.from(JSON.stringify(config));
    const configDigest = await putBlob(reg.host, 'big', configBytes);
    const big: Manifest = {
      ...manifest,
      config: { ...manifest.config, size: configBytes.length, digest: configDigest },
      layers: [...manifest.layers, { mediaType: manifest.layers[0]!.mediaType, size: layerGz.length, digest: layerDigest }],
    };
    const put = await fetch(`http://${reg.host}/v2/big/manifests/1`, {
      method: 'PUT', body: JSON.stringify(big), headers: { 'Content-Type': manifest.mediaType ?? SCHEMA2 },
    });
    assert.equal(put.status, 201, await put.text());
    ref = `${reg.host}/big:1`;
  });

  after(async () => {
    await reg?.stop();
    if (!d) return;
    fs.rmSync(filler(), { force: true });
    await d.stop('SIGTERM');
    d.cleanup();
  });

  test('the disk fills while the layer downloads, then while it unpacks: ENOSPC, nothing left behind, berthd up; then the pull succeeds whole', async () => {
    const before = JSON.stringify(storeFootprint(d.dataRoot));
    assert.deepEqual(storeFootprint(d.dataRoot).ingest, []);
    // containerd deletes removed blobs and snapshots from disk in its garbage collection: berthd runs
    // one after a failed pull, before the pull's error reaches the client
    const storeAsBefore = (): void => assert.equal(JSON.stringify(storeFootprint(d.dataRoot)), before, 'no blob, ingest or snapshot left behind');

    // 8 MiB free: the 24 MiB blob cannot be downloaded
    leaveFree(8 * MiB);
    const duringDownload = await d.docker(['pull', ref]);
    assert.notEqual(duringDownload.code, 0, duringDownload.stdout);
    assert.match(duringDownload.stderr, /no space left on device/, duringDownload.stderr);
    storeAsBefore();
    assert.doesNotMatch(await ok(['images', '--format', '{{.Repository}}:{{.Tag}}']), /big/);
    assert.equal((await d.request('GET', '/_ping')).status, 200);

    // 36 MiB free: the blob (24 MiB) fits, the unpacked layer (24 MiB more) does not
    leaveFree(36 * MiB);
    const duringUnpack = await d.docker(['pull', ref]);
    assert.notEqual(duringUnpack.code, 0, duringUnpack.stdout);
    assert.match(duringUnpack.stderr, /no space left on device/, duringUnpack.stderr);
    assert.match(duringUnpack.stdout, /Download complete|Extracting/, 'it failed after the download');
    storeAsBefore();
    assert.doesNotMatch(await ok(['images', '--format', '{{.Repository}}:{{.Tag}}']), /big/);
    // the rest of the store still works on the full disk
    assert.equal(await ok(['image', 'inspect', '-f', '{{len .RootFS.Layers}}', 'busybox']), '1');

    // space freed: the same pull succeeds, and the file in the image is byte for byte the pushed one
    fs.rmSync(filler());
    const pull = await d.docker(['pull', ref]);
    assert.equal(pull.code, 0, pull.stderr + d.logTail(20));
    assert.match(pull.stdout, /Already exists/);
    assert.match(pull.stdout, new RegExp(`Status: Downloaded newer image for ${ref}`));
    assert.equal(await ok(['image', 'inspect', '-f', '{{len .RootFS.Layers}}', ref]), '2');
    assert.equal(await ok(['run', '--rm', ref, 'sha256sum', '/blob']), `${blobHash}  /blob`);
    assert.deepEqual(storeFootprint(d.dataRoot).ingest, []);
    await ok(['rmi', ref]);
    storeAsBefore();
    assert.equal(d.proc!.exitCode, null, 'berthd never exited');
  });
});
