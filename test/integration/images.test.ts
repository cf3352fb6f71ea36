// Images on the node, end to end with the docker CLI: save/load (and a round trip through the
// reference dockerd when it is installed), commit/diff/history, export/import, tag/rmi/prune,
// list filters, system df, and that removing everything leaves no content or snapshots behind.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BadRequestError, NotFoundError } from '@berth/client';
import { clientOf, closeClients, rejectsWith } from './client-of.js';
import { Berthd, busyboxTar, skipReason, startBerthd } from './harness.js';

/** Runs a shell pipeline with the docker CLI pointed at `host`. */
function sh(host: string, script: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: host };
    delete env.DOCKER_CONTEXT; delete env.DOCKER_API_VERSION;
    const child = spawn('sh', ['-c', script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = ''; let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Blobs in containerd's content store and snapshots in the overlayfs snapshotter, as files on disk. */
function storeFootprint(dataRoot: string): { blobs: string[]; snapshots: string[] } {
  const ls = (p: string): string[] => { try { return fs.readdirSync(p).sort(); } catch { return []; } };
  const root = path.join(dataRoot, 'containerd');
  return {
    blobs: ls(path.join(root, 'io.containerd.content.v1.content', 'blobs', 'sha256')),
    snapshots: ls(path.join(root, 'io.containerd.snapshotter.v1.overlayfs', 'snapshots')),
  };
}

const dockerdAvailable = fs.existsSync('/usr/sbin/dockerd') || spawnSync('sh', ['-c', 'command -v dockerd']).status === 0;

describe('images: save/load/commit/diff/export/import/tag/rmi/prune/df', { skip: skipReason, timeout: 300_000 }, () => {
  let d: Berthd;
  let tar: string;
  let baseline: { blobs: string[]; snapshots: string[] };
  let busyboxId = '';

  before(async () => {
    d = await startBerthd();
    baseline = storeFootprint(d.dataRoot);
    tar = await busyboxTar();
    const load = await d.docker(['load', '-i', tar]);
    assert.equal(load.code, 0, load.stderr + d.logTail());
    busyboxId = (await d.docker(['image', 'inspect', '-f', '{{.Id}}', 'busybox'])).stdout.trim();
  });

  after(async () => {
    if (!d) return;
    closeClients(d);
    await d.stop('SIGTERM');
    d.cleanup();
  });

  test('docker save → rmi → docker load gives the same image ID; the archive is dockerd\'s layout', async () => {
    const out = path.join(d.root, 'a.tar');
    const save = await sh(d.host, `docker save busybox > ${out}`);
    assert.equal(save.code, 0, save.stderr);
    const names = spawnSync('tar', ['tf', out]).stdout.toString().split('\n').filter(Boolean);
    assert.ok(names.includes('manifest.json') && names.includes('repositories'), names.join(' '));
    assert.ok(names.includes(`${busyboxId.slice(7)}.json`));
    assert.ok(names.some((n) => /^[0-9a-f]{64}\/layer\.tar$/.test(n)) && names.some((n) => /^[0-9a-f]{64}\/VERSION$/.test(n)));
    const rmi = await d.docker(['rmi', 'busybox']);
    assert.equal(rmi.code, 0, rmi.stderr);
    assert.match(rmi.stdout, /Untagged: busybox:latest\nDeleted: sha256:/);
    const load = await d.docker(['load', '-i', out]);
    assert.equal(load.code, 0, load.stderr);
    assert.equal((await d.docker(['image', 'inspect', '-f', '{{.Id}}', 'busybox'])).stdout.trim(), busyboxId);
    // a client that stops reading half way does not take the daemon down
    await sh(d.host, 'docker save busybox | head -c 1000 > /dev/null');
    assert.equal((await d.docker(['version', '--format', '{{.Server.Os}}'])).stdout, 'linux\n');
    await rejectsWith(clientOf(d).imageGetAll({ names: ['nosuch'] }), NotFoundError, 'No such image: nosuch');
  });

  test('round trip through the reference dockerd: both list the same image ID', { skip: dockerdAvailable ? false : 'reference dockerd not installed' }, async () => {
    const root = fs.mkdtempSync('/tmp/bi-dockerd-');
    const host = `unix://${root}/docker.sock`;
    const proc = spawn('dockerd', ['--data-root', `${root}/data`, '--exec-root', `${root}/exec`, '-H', host, '--pidfile', `${root}/docker.pid`,
      '--bridge=none', '--iptables=false', '--ip6tables=false'], { stdio: 'ignore' });
    try {
      let up = false;
      for (let i = 0; i < 150 && !up; i++) {
        up = (await sh(host, 'docker version --format {{.Server.Version}}')).code === 0;
        if (!up) await new Promise((r) => setTimeout(r, 200));
      }
      assert.ok(up, 'reference dockerd did not start');
      const there = await sh(host, `DOCKER_HOST=${d.host} docker save busybox | docker load && docker image inspect -f '{{.Id}}' busybox`);
      assert.equal(there.code, 0, there.stderr);
      assert.equal(there.stdout.trim().split('\n').pop(), busyboxId);
      const back = await sh(host, `docker tag busybox from/dockerd:1 && docker save from/dockerd:1 | DOCKER_HOST=${d.host} docker load`);
      assert.equal(back.code, 0, back.stderr);
      assert.equal((await d.docker(['image', 'inspect', '-f', '{{.Id}}', 'from/dockerd:1'])).stdout.trim(), busyboxId);
      assert.equal((await d.docker(['rmi', 'from/dockerd:1'])).stdout, 'Untagged: from/dockerd:1\n');
    } finally {
      const exited = new Promise<void>((r) => proc.once('exit', () => r()));
      proc.kill('SIGTERM');
      await exited;
      spawnSync('sh', ['-c', `grep -o " ${root}[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l`]);
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  test('docker diff lists a written file; commit makes an image that has it; history shows the layer', async () => {
    const run = await d.docker(['run', '--name', 'writer', 'busybox', 'sh', '-c', 'echo committed > /hello.txt; mkdir /tmp/d; rm /bin/vi']);
    assert.equal(run.code, 0, run.stderr);
    const diff = await d.docker(['diff', 'writer']);
    assert.equal(diff.code, 0, diff.stderr);
    assert.deepEqual(diff.stdout.trim().split('\n'), ['C /bin', 'D /bin/vi', 'A /hello.txt', 'C /tmp', 'A /tmp/d']);
    const ps = await d.docker(['ps', '-a', '-s', '--filter', 'name=writer', '--format', '{{.Size}}']);
    assert.match(ps.stdout, /^[0-9.]+k?B \(virtual [0-9.]+MB\)/);
    const commit = await d.docker(['commit', '-m', 'a message', '-a', 'me', '--change', 'ENV FOO=bar', 'writer', 'committed:1']);
    assert.equal(commit.code, 0, commit.stderr);
    assert.match(commit.stdout, /^sha256:[0-9a-f]{64}\n$/);
    const cat = await d.docker(['run', '--rm', 'committed:1', 'sh', '-c', 'cat /hello.txt; echo $FOO; test -e /bin/vi || echo novi']);
    assert.equal(cat.stdout, 'committed\nbar\nnovi\n', cat.stderr);
    const hist = await d.docker(['history', '--no-trunc', '--format', '{{.ID}}|{{.CreatedBy}}|{{.Comment}}', 'committed:1']);
    const lines = hist.stdout.trim().split('\n');
    assert.equal(lines[0], `${commit.stdout.trim()}|sh -c echo committed > /hello.txt; mkdir /tmp/d; rm /bin/vi|a message`);
    assert.equal(lines[1]?.split('|')[0], busyboxId);
    const insp = await d.docker(['image', 'inspect', '-f', '{{.Parent}} {{.Author}} {{.Comment}} {{len .RootFS.Layers}}', 'committed:1']);
    assert.equal(insp.stdout.trim(), `${busyboxId} me a message 2`);
    // the layer holds the container's changes only, not the mount points runc made (/etc/hosts, …)
    const dir = path.join(d.root, 'committed');
    fs.mkdirSync(dir);
    assert.equal((await sh(d.host, `cd ${dir} && docker save busybox committed:1 > both.tar && tar xf both.tar`)).code, 0);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Array<{ RepoTags: string[]; Layers: string[] }>;
    assert.deepEqual(manifest.map((m) => m.RepoTags), [['busybox:latest'], ['committed:1']]);
    // the shared busybox layer is stored once; its second directory links to it, as dockerd does
    assert.match(spawnSync('tar', ['tvf', path.join(dir, 'both.tar')]).stdout.toString(), /layer\.tar -> \.\.\/[0-9a-f]{64}\/layer\.tar/);
    const layer = spawnSync('tar', ['tf', path.join(dir, manifest[1]!.Layers[1]!)]);
    assert.equal(layer.status, 0, layer.stderr.toString());
    assert.deepEqual(layer.stdout.toString().trim().split('\n').sort(), ['bin/', 'bin/.wh.vi', 'hello.txt', 'tmp/', 'tmp/d/']);
  });

  test('docker export | docker import - with --change makes a runnable image', async () => {
    const r = await sh(d.host, `docker export writer | docker import --change 'CMD ["echo","x"]' -m imported - imported:1`);
    assert.equal(r.code, 0, r.stderr + d.logTail());
    assert.match(r.stdout, /^sha256:[0-9a-f]{64}\n$/);
    const run = await d.docker(['run', '--rm', 'imported:1']);
    assert.equal(run.stdout, 'x\n', run.stderr);
    const file = await d.docker(['run', '--rm', 'imported:1', 'cat', '/hello.txt']);
    assert.equal(file.stdout, 'committed\n');
    const insp = await d.docker(['image', 'inspect', '-f', '{{.Comment}} {{json .Config.Cmd}} {{len .RootFS.Layers}}', 'imported:1']);
    assert.equal(insp.stdout.trim(), 'imported ["echo","x"] 1');
  });

  test('tag, rmi: untag vs delete, conflicts with dockerd\'s messages', async () => {
    assert.equal((await d.docker(['tag', 'busybox', 'mine/box:v1'])).code, 0);
    assert.equal((await d.docker(['tag', 'busybox', 'mine/box:v2'])).code, 0);
    await rejectsWith(clientOf(d).imageTag({ name: 'busybox', repo: 'sha256', tag: 'x' }), BadRequestError, 'refusing to create an ambiguous tag using digest algorithm as name');
    await rejectsWith(clientOf(d).imageTag({ name: 'nosuch', repo: 'x' }), NotFoundError);
    assert.equal((await d.docker(['rmi', 'mine/box:v1'])).stdout, 'Untagged: mine/box:v1\n');
    const run = await d.docker(['run', '-d', '--name', 'sleeper', 'imported:1', 'sleep', '300']);
    assert.equal(run.code, 0, run.stderr);
    const cid = run.stdout.trim().slice(0, 12);
    const importedId = (await d.docker(['image', 'inspect', '-f', '{{.Id}}', 'imported:1'])).stdout.trim();
    const byName = await d.docker(['rmi', 'imported:1']);
    assert.equal(byName.code, 1);
    assert.match(byName.stderr, new RegExp(`conflict: unable to remove repository reference "imported:1" \\(must force\\) - container ${cid} is using its referenced image ${importedId.slice(7, 19)}`));
    const byId = await d.docker(['rmi', '-f', importedId.slice(7, 19)]);
    assert.match(byId.stderr, new RegExp(`conflict: unable to delete ${importedId.slice(7, 19)} \\(cannot be forced\\) - image is being used by running container ${cid}`));
    const multi = await d.docker(['rmi', busyboxId.slice(7, 19)]);
    assert.match(multi.stderr, new RegExp(`conflict: unable to delete ${busyboxId.slice(7, 19)} \\(cannot be forced\\) - image has dependent child images`));
    assert.equal((await d.docker(['rm', '-f', 'sleeper'])).code, 0);
  });

  test('docker images filters and the old API shapes', async () => {
    const fmt = ['--format', '{{.Repository}}:{{.Tag}}'];
    assert.deepEqual((await d.docker(['images', ...fmt, '--filter', 'reference=mine/*'])).stdout.trim().split('\n'), ['mine/box:v2']);
    assert.deepEqual((await d.docker(['images', ...fmt, '--filter', 'reference=*:1'])).stdout.trim().split('\n').sort(), ['committed:1', 'imported:1']);
    assert.deepEqual((await d.docker(['images', ...fmt, '--filter', 'since=busybox'])).stdout.trim().split('\n').sort(), ['committed:1', 'imported:1']);
    assert.equal((await d.docker(['images', ...fmt, '--filter', 'before=busybox'])).stdout, '');
    assert.equal((await d.docker(['images', ...fmt, '--filter', 'dangling=true'])).stdout, '');
    assert.equal((await d.docker(['images', ...fmt, '--filter', 'label=nope'])).stdout, '');
    const bad = await d.docker(['images', '--filter', 'dangling=maybe']);
    assert.match(bad.stderr, /Invalid filter 'dangling=\[maybe\]'/);
    const v112 = await clientOf(d, '1.12').imageList(); // typed as 1.12's image summary
    // v1.12 lacks Labels (1.17) and RepoDigests (1.18); SharedSize and Containers are -1 as dockerd sends them
    assert.deepEqual(Object.keys(v112[0]!).sort(), ['Containers', 'Created', 'Id', 'ParentId', 'RepoTags', 'SharedSize', 'Size', 'VirtualSize']);
  });

  test('docker system df -v and ps -s agree with the stored sizes', async () => {
    const api = clientOf(d, '1.41'); // the df shape with Images/Containers lists
    const body = await api.systemDataUsage();
    const images = body.Images ?? [];
    const listed = await api.imageList();
    for (const img of listed) assert.equal(images.find((i) => i.Id === img.Id)?.Size, img.Size);
    const committed = images.find((i) => i.Id !== busyboxId && i.SharedSize > 0);
    assert.ok(committed, 'the committed image shares the busybox layer');
    assert.equal(images.find((i) => i.Id === busyboxId)?.Containers, 1); // writer
    const writer = body.Containers?.find((c) => c.Names?.[0] === '/writer');
    assert.ok(writer && (writer.SizeRw ?? 0) > 0);
    const inspect = await api.containerInspect({ id: 'writer', size: true });
    assert.equal(inspect.SizeRw, writer.SizeRw);
    assert.ok((inspect.SizeRootFs ?? 0) > (inspect.SizeRw ?? 0));
    const cli = await d.docker(['system', 'df', '-v']);
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, /Images space usage:[\s\S]*busybox\s+latest/);
  });

  test('load of a body that is not an image archive: 200, the error inside the stream (quiet or not); the CLI fails with it', async () => {
    for (const quiet of [undefined, false, true]) {
      const messages = [];
      for await (const m of await clientOf(d).imageLoad({ body: 'not an archive', ...(quiet === undefined ? {} : { quiet }) })) messages.push(m);
      const message = 'Error processing tar file(exit status 1): unexpected EOF';
      assert.deepEqual(messages, [{ errorDetail: { message }, error: message }], `quiet ${quiet}`);
    }
    const cli = await d.docker(['load'], { input: 'not an archive' });
    assert.equal(cli.code, 1);
    assert.match(cli.stderr, /Error processing tar file\(exit status 1\): unexpected EOF/);
  });

  test('commit with pause of a container that exited or is exiting commits without pausing', async () => {
    // whether berthd has seen the exit yet or not, dockerd's answer is the same: a new image
    for (let i = 0; i < 3; i++) {
      const run = await d.docker(['run', '-d', 'busybox', 'true']);
      assert.equal(run.code, 0, run.stderr);
      const id = run.stdout.trim();
      const c = await clientOf(d).imageCommit({ container: id, pause: true, repo: 'exiting', tag: String(i) });
      assert.match(c.Id ?? '', /^sha256:[0-9a-f]{64}$/, d.logTail());
      assert.equal((await d.docker(['wait', id])).stdout.trim(), '0');
      const again = await clientOf(d).imageCommit({ container: id, pause: true });
      assert.equal((await d.docker(['rm', id])).code, 0);
      const rmi = await d.docker(['rmi', `exiting:${i}`, again.Id!]);
      assert.equal(rmi.code, 0, rmi.stderr);
    }
  });

  test('image prune -a --filter until, then removing everything leaves no blobs or snapshots', async () => {
    const old = await d.docker(['image', 'prune', '-a', '-f', '--filter', 'until=2000-01-01T00:00:00Z']);
    assert.equal(old.code, 0, old.stderr);
    assert.match(old.stdout, /Total reclaimed space: 0B/);
    // an image removed with -f under a stopped container: its layer stays until the container goes
    assert.equal((await d.docker(['run', '--name', 'user', 'imported:1'])).code, 0);
    const forced = await d.docker(['rmi', '-f', 'imported:1']);
    assert.match(forced.stdout, /^Untagged: imported:1\nDeleted: sha256:[0-9a-f]{64}\n$/);
    assert.equal((await d.docker(['start', '-a', 'user'])).stdout, 'x\n');
    assert.equal((await d.docker(['rm', 'user', 'writer'])).code, 0);
    const all = await d.docker(['image', 'prune', '-a', '-f']);
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stdout, /Deleted Images:[\s\S]*untagged: busybox:latest[\s\S]*Total reclaimed space: [1-9]/);
    assert.equal((await d.docker(['images', '-aq'])).stdout, '');
    // the space is reclaimed before the answer, not at containerd's next scheduled collection
    assert.deepEqual(storeFootprint(d.dataRoot), baseline);
  });

  test('load, run, rm, rmi eight times over: each rmi leaves the store as it found it, at once', async () => {
    for (let i = 0; i < 8; i++) {
      assert.equal((await d.docker(['load', '-i', tar])).code, 0);
      const run = await d.docker(['run', '--name', `leak${i}`, 'busybox', 'sh', '-c', 'echo x > /f']);
      assert.equal(run.code, 0, run.stderr);
      if (i % 2 === 0) {
        // an image removed under a stopped container: its layer goes with the container
        assert.equal((await d.docker(['rmi', '-f', 'busybox'])).code, 0);
        assert.equal((await d.docker(['rm', `leak${i}`])).code, 0);
        const prune = await d.docker(['image', 'prune', '-a', '-f']);
        assert.equal(prune.code, 0, prune.stderr);
      } else {
        assert.equal((await d.docker(['rm', `leak${i}`])).code, 0);
        assert.match((await d.docker(['rmi', 'busybox'])).stdout, /Deleted: sha256:/);
      }
      assert.deepEqual(storeFootprint(d.dataRoot), baseline, `round ${i}`);
    }
  });
});

