// Registries end to end with the real docker CLI: push to Debian's docker-registry on 127.0.0.1,
// rmi, pull back by tag and by digest, run; login against htpasswd; manifest lists and --platform;
// a corrupted layer fails the pull and leaves nothing behind; `docker run` of a missing image pulls.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { UnauthorizedError } from '@berth/client';
import { clientOf, closeClients, rejectsWith } from './client-of.js';
import { Berthd, busyboxTar, cliAsserts, dockerPy, skipReason, startBerthd, waitFor } from './harness.js';
import { LocalRegistry, putBlob, registrySkipReason, sha, TokenServer } from './registry-fixture.js';

/** Blobs, unfinished ingests and snapshots in the managed containerd's root, as files on disk. */
function storeFootprint(dataRoot: string): string {
  const ls = (p: string): string[] => { try { return fs.readdirSync(p).sort(); } catch { return []; } };
  const root = path.join(dataRoot, 'containerd');
  return JSON.stringify({
    blobs: ls(path.join(root, 'io.containerd.content.v1.content', 'blobs', 'sha256')),
    ingest: ls(path.join(root, 'io.containerd.content.v1.content', 'ingest')),
    snapshots: ls(path.join(root, 'io.containerd.snapshotter.v1.overlayfs', 'snapshots')),
  });
}



async function getJson(url: string, accept: string): Promise<{ body: Buffer; json: Record<string, unknown> }> {
  const res = await fetch(url, { headers: { Accept: accept } });
  assert.equal(res.status, 200, url);
  const body = Buffer.from(await res.arrayBuffer());
  return { body, json: JSON.parse(body.toString()) as Record<string, unknown> };
}

describe('distribution: push, pull, login against a local registry', { skip: skipReason || registrySkipReason, timeout: 600_000 }, () => {
  let d: Berthd;
  let reg: LocalRegistry;
  let authReg: LocalRegistry;
  let busyboxId = '';
  let multiId = '';
  const cli = cliAsserts(() => d);

  before(async () => {
    d = await startBerthd();
    reg = new LocalRegistry(path.join(d.root, 'registry'));
    await reg.start();
    authReg = new LocalRegistry(path.join(d.root, 'registry-auth'), { alice: 's3cret' });
    await authReg.start();
    const load = await d.docker(['load', '-i', await busyboxTar()]);
    assert.equal(load.code, 0, load.stderr);
    busyboxId = await cli.ok(['image', 'inspect', '-f', '{{.Id}}', 'busybox']);
    // a second layer on top, so pushes and pulls move more than one blob
    await cli.ok(['run', '--name', 'layer2', 'busybox', 'sh', '-c', 'echo second > /second.txt && head -c 300000 /bin/busybox > /blob.bin']);
    multiId = await cli.ok(['commit', 'layer2', 'multi:1']);
    await cli.ok(['rm', 'layer2']);
  });

  after(async () => {
    await reg?.stop();
    await authReg?.stop();
    if (!d) return;
    closeClients(d);
    await d.stop('SIGTERM');
    d.cleanup();
  });

  test('push a two-layer image, rmi it, pull it back by tag and by digest, and run it', async () => {
    const name = `${reg.host}/multi`;
    await cli.ok(['tag', 'multi:1', `${name}:1`]);
    const push = await d.docker(['push', `${name}:1`]);
    assert.equal(push.code, 0, push.stderr + d.logTail());
    assert.match(push.stdout, new RegExp(`The push refers to repository \\[${reg.host}/multi\\]`));
    assert.match(push.stdout, /Pushed/);
    const pushedDigest = /1: digest: (sha256:[a-f0-9]{64}) size: \d+/.exec(push.stdout)?.[1];
    assert.ok(pushedDigest, push.stdout);
    // the registry has what the push said
    const head = await fetch(`http://${reg.host}/v2/multi/manifests/1`, { method: 'HEAD', headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' } });
    assert.equal(head.headers.get('docker-content-digest'), pushedDigest);

    // a second push moves nothing
    const again = await d.docker(['push', `${name}:1`]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /Layer already exists/);
    assert.doesNotMatch(again.stdout, /Pushed/);
    assert.match(again.stdout, new RegExp(`digest: ${pushedDigest}`));

    await cli.ok(['rmi', `${name}:1`, 'multi:1']);
    assert.equal((await d.docker(['image', 'inspect', multiId])).code, 1);

    const pull = await d.docker(['pull', `${name}:1`]);
    assert.equal(pull.code, 0, pull.stderr + d.logTail());
    assert.match(pull.stdout, /1: Pulling from multi/);
    assert.match(pull.stdout, /Already exists/); // busybox's layer is still here
    assert.match(pull.stdout, /Pull complete/);
    assert.match(pull.stdout, new RegExp(`Digest: ${pushedDigest}`));
    assert.match(pull.stdout, new RegExp(`Status: Downloaded newer image for ${name}:1`));
    const inspect = JSON.parse(await cli.ok(['image', 'inspect', `${name}:1`])) as Array<{ Id: string; RepoDigests: string[]; RootFS: { Layers: string[] } }>;
    assert.equal(inspect[0]!.Id, multiId);
    assert.deepEqual(inspect[0]!.RepoDigests, [`${name}@${pushedDigest}`]);
    assert.equal(inspect[0]!.RootFS.Layers.length, 2);
    assert.equal(await cli.ok(['run', '--rm', `${name}:1`, 'cat', '/second.txt']), 'second');

    const same = await d.docker(['pull', `${name}:1`]);
    assert.match(same.stdout, new RegExp(`Status: Image is up to date for ${name}:1`));

    // a pulled image saves and loads back (its gzip layers come out as the tars their diff IDs name)
    const saved = path.join(d.root, 'pulled.tar');
    await cli.ok(['save', '-o', saved, `${name}:1`]);
    await cli.ok(['rmi', `${name}:1`]);
    assert.match(await cli.ok(['load', '-i', saved]), new RegExp(`Loaded image: ${name}:1`));
    assert.equal(await cli.ok(['image', 'inspect', '-f', '{{.Id}}', `${name}:1`]), multiId);
    fs.rmSync(saved);

    await cli.ok(['rmi', `${name}:1`]);
    const byDigest = await d.docker(['pull', `${name}@${pushedDigest}`]);
    assert.equal(byDigest.code, 0, byDigest.stderr);
    assert.match(byDigest.stdout, new RegExp(`Digest: ${pushedDigest}`));
    assert.equal(await cli.ok(['image', 'inspect', '-f', '{{.Id}}', `${name}@${pushedDigest}`]), multiId);
    assert.equal(await cli.ok(['run', '--rm', `${name}@${pushedDigest}`, 'cat', '/second.txt']), 'second');
  });

  test('a missing tag or repository fails as dockerd says; run of a missing image pulls it', async () => {
    await cli.fails(['pull', `${reg.host}/multi:nope`], new RegExp(`manifest for ${reg.host}/multi:nope not found: manifest unknown`));
    await cli.fails(['pull', `${reg.host}/nothing-here`], /not found|unknown/);

    await cli.ok(['tag', 'busybox', `${reg.host}/runme`]);
    await cli.ok(['push', `${reg.host}/runme`]);
    await cli.ok(['rmi', `${reg.host}/runme`]);
    const run = await d.docker(['run', '--rm', `${reg.host}/runme`, 'echo', 'pulled and ran']);
    assert.equal(run.code, 0, run.stderr + d.logTail());
    assert.match(run.stderr, /Unable to find image/);
    assert.equal(run.stdout.trim(), 'pulled and ran');
  });

  test('a manifest list pulls the host\'s image; --platform linux/arm64 pulls the other', async () => {
    await cli.ok(['tag', 'busybox', `${reg.host}/multiarch:amd`]);
    await cli.ok(['push', `${reg.host}/multiarch:amd`]);
    const mt = 'application/vnd.docker.distribution.manifest.v2+json';
    const amd = await getJson(`http://${reg.host}/v2/multiarch/manifests/amd`, mt);
    const configDesc = amd.json.config as { digest: string };
    const cfg = await getJson(`http://${reg.host}/v2/multiarch/blobs/${configDesc.digest}`, '*/*');
    const armConfig = Buffer.from(JSON.stringify({ ...cfg.json, architecture: 'arm64', variant: 'v8' }));
    const armConfigDigest = await putBlob(reg.host, 'multiarch', armConfig);
    const armManifest = Buffer.from(JSON.stringify({ ...amd.json, config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: armConfig.length, digest: armConfigDigest } }));
    let put = await fetch(`http://${reg.host}/v2/multiarch/manifests/arm`, { method: 'PUT', body: armManifest, headers: { 'Content-Type': mt } });
    assert.equal(put.status, 201);
    const list = Buffer.from(JSON.stringify({
      schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json',
      manifests: [
        { mediaType: mt, size: armManifest.length, digest: sha(armManifest), platform: { architecture: 'arm64', os: 'linux', variant: 'v8' } },
        { mediaType: mt, size: amd.body.length, digest: sha(amd.body), platform: { architecture: 'amd64', os: 'linux' } },
      ],
    }));
    put = await fetch(`http://${reg.host}/v2/multiarch/manifests/both`, { method: 'PUT', body: list, headers: { 'Content-Type': 'application/vnd.docker.distribution.manifest.list.v2+json' } });
    assert.equal(put.status, 201, await put.text());

    await cli.ok(['pull', `${reg.host}/multiarch:both`]);
    assert.equal(await cli.ok(['image', 'inspect', '-f', '{{.Id}} {{.Architecture}}', `${reg.host}/multiarch:both`]), `${busyboxId} amd64`);
    assert.match(await cli.ok(['image', 'inspect', '-f', '{{json .RepoDigests}}', `${reg.host}/multiarch:both`]), new RegExp(`multiarch@${sha(list)}`));
    const arm = await d.docker(['pull', '--platform', 'linux/arm64', `${reg.host}/multiarch:both`]);
    assert.equal(arm.code, 0, arm.stderr);
    assert.equal(await cli.ok(['image', 'inspect', '-f', '{{.Id}} {{.Architecture}}', `${reg.host}/multiarch:both`]), `${armConfigDigest} arm64`);

    // the remote's descriptor and platforms
    const info = await clientOf(d).distributionInspect({ name: `${reg.host}/multiarch:both` });
    assert.equal(info.Descriptor.digest, sha(list));
    assert.deepEqual(info.Platforms.map((p) => p?.architecture).sort(), ['amd64', 'arm64']);
  });

  test('a layer whose bytes do not match its digest fails the pull and leaves no image', async () => {
    await cli.ok(['tag', 'multi-src', `${reg.host}/corrupt:1`]).catch(async () => {
      await cli.ok(['run', '--name', 'corr', 'busybox', 'sh', '-c', 'echo corrupt-me > /c.txt']);
      await cli.ok(['commit', 'corr', `${reg.host}/corrupt:1`]);
      await cli.ok(['rm', 'corr']);
    });
    await cli.ok(['push', `${reg.host}/corrupt:1`]);
    const m = await getJson(`http://${reg.host}/v2/corrupt/manifests/1`, 'application/vnd.docker.distribution.manifest.v2+json');
    const top = (m.json.layers as Array<{ digest: string }>).at(-1)!.digest.slice(7);
    const blobFile = path.join(reg.root, 'data', 'docker', 'registry', 'v2', 'blobs', 'sha256', top.slice(0, 2), top, 'data');
    const bytes = fs.readFileSync(blobFile);
    bytes[bytes.length - 10] = (bytes[bytes.length - 10]! + 1) % 256;
    fs.writeFileSync(blobFile, bytes);
    const id = await cli.ok(['image', 'inspect', '-f', '{{.Id}}', `${reg.host}/corrupt:1`]);
    await cli.ok(['rmi', `${reg.host}/corrupt:1`]);

    const before = storeFootprint(d.dataRoot);
    await cli.fails(['pull', `${reg.host}/corrupt:1`], /verification failed for digest/);
    assert.equal(storeFootprint(d.dataRoot), before);
    assert.equal((await d.docker(['image', 'inspect', id])).code, 1);
    assert.doesNotMatch(await cli.ok(['image', 'ls', '--format', '{{.Repository}}']), /corrupt/);
  });

  test('a pull cut off by its client leaves no image and no blobs; it can be pulled again', async () => {
    const name = `${reg.host}/cutoff:1`;
    await cli.ok(['run', '--name', 'cut', 'busybox', 'sh', '-c', 'head -c 60000000 /dev/urandom > /big.bin']);
    await cli.ok(['commit', 'cut', name]);
    await cli.ok(['rm', 'cut']);
    await cli.ok(['push', name]);
    const id = await cli.ok(['image', 'inspect', '-f', '{{.Id}}', name]);
    await cli.ok(['rmi', name]);
    const before = storeFootprint(d.dataRoot);

    await new Promise<void>((resolve, reject) => {
      const req = http.request({ socketPath: d.socket, method: 'POST', path: `/images/create?fromImage=${encodeURIComponent(`${reg.host}/cutoff`)}&tag=1` }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => {
          text += c.toString();
          if (/"Downloading"/.test(text)) { req.destroy(); resolve(); }
          if (/Pull complete/.test(text)) reject(new Error('the pull finished before it could be cut off'));
        });
      });
      req.on('error', () => undefined);
      req.end();
    });
    await waitFor('the cut-off pull to clean up', async () => storeFootprint(d.dataRoot) === before);
    assert.equal((await d.docker(['image', 'inspect', id])).code, 1);

    await cli.ok(['pull', name]);
    assert.equal(await cli.ok(['image', 'inspect', '-f', '{{.Id}}', name]), id);
    await cli.ok(['rmi', name]);
  });

  test('login against htpasswd: bad credentials refused, good ones let push and pull through', async () => {
    await cli.ok(['tag', 'busybox', `${authReg.host}/private:1`]);
    await cli.fails(['push', `${authReg.host}/private:1`], /no basic auth credentials/);
    await cli.fails(['login', '-u', 'alice', '-p', 'wrong', authReg.host], /401 Unauthorized/);
    const login = await d.docker(['login', '-u', 'alice', '--password-stdin', authReg.host], { input: 's3cret\n' });
    assert.equal(login.code, 0, login.stderr);
    assert.match(login.stdout, /Login Succeeded/);
    await cli.ok(['push', `${authReg.host}/private:1`]);
    await cli.ok(['rmi', `${authReg.host}/private:1`]);
    await cli.ok(['pull', `${authReg.host}/private:1`]);
    assert.equal(await cli.ok(['image', 'inspect', '-f', '{{.Id}}', `${authReg.host}/private:1`]), busyboxId);
    await cli.ok(['logout', authReg.host]);
    await cli.ok(['rmi', `${authReg.host}/private:1`]);
    await cli.fails(['pull', `${authReg.host}/private:1`], /no basic auth credentials/);

    await rejectsWith(clientOf(d).systemAuth({ body: { username: 'alice', password: 'nope', serveraddress: authReg.host } }), UnauthorizedError,
      `login attempt to http://${authReg.host}/v2/ failed with status: 401 Unauthorized`);
    assert.deepEqual(await clientOf(d).systemAuth({ body: { username: 'alice', password: 's3cret', serveraddress: authReg.host } }), { IdentityToken: '', Status: 'Login Succeeded' });
  });

  test('docker-py: push and pull with auth_config, login good and bad, a missing image is NotFound', { skip: dockerPy ? false : 'no python3 with the docker module (Debian python3-docker)' }, () => {
    const script = `
import docker, json
c = docker.DockerClient(base_url=${JSON.stringify(d.host)})
reg = ${JSON.stringify(authReg.host)}
auth = {'username': 'alice', 'password': 's3cret'}
out = {}
c.images.get('busybox').tag(reg + '/py', 'v1')
lines = list(c.api.push(reg + '/py', tag='v1', stream=True, decode=True, auth_config=auth))
out['pushErrors'] = [l for l in lines if 'error' in l]
out['pushAux'] = [l['aux'] for l in lines if 'aux' in l]
c.images.remove(reg + '/py:v1')
img = c.images.pull(reg + '/py', tag='v1', auth_config=auth)
out['id'] = img.id
out['digests'] = img.attrs['RepoDigests']
out['login'] = c.login(username='alice', password='s3cret', registry=reg, reauth=True)
try:
    c.login(username='alice', password='bad', registry=reg, reauth=True)
    out['badLogin'] = None
except docker.errors.APIError as e:
    out['badLogin'] = e.status_code
try:
    c.images.pull(${JSON.stringify(reg.host)} + '/missing', tag='x')
    out['missing'] = None
except docker.errors.NotFound as e:
    out['missing'] = str(e.explanation)
print(json.dumps(out))
`;
    const r = spawnSync(dockerPy!, ['-c', script], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr + d.logTail(10));
    const out = JSON.parse(r.stdout) as { pushErrors: unknown[]; pushAux: Array<{ Tag: string; Digest: string; Size: number }>; id: string; digests: string[]; login: { Status: string }; badLogin: number | null; missing: string | null };
    assert.deepEqual(out.pushErrors, []);
    assert.equal(out.pushAux.length, 1);
    assert.equal(out.pushAux[0]!.Tag, 'v1');
    assert.equal(out.id, busyboxId);
    assert.ok(out.digests.includes(`${authReg.host}/py@${out.pushAux[0]!.Digest}`), JSON.stringify(out.digests));
    assert.equal(out.login.Status, 'Login Succeeded');
    assert.equal(out.badLogin, 401);
    assert.match(out.missing ?? '', /not found/);
  });

  test('bearer token auth: anonymous pull scope only, login and push with a token, tokens reused', async () => {
    const tokens = new TokenServer(path.join(d.root, 'token'), { bob: 'hunter2' });
    await tokens.start();
    const tokReg = new LocalRegistry(path.join(d.root, 'registry-token'), undefined, tokens);
    try {
      await tokReg.start();
      const name = `${tokReg.host}/secure:1`;
      await cli.ok(['tag', 'busybox', name]);
      // anonymous: the token grants pull only, so the push is refused by the registry
      await cli.fails(['push', name], /denied|unauthorized|authentication required/);
      await cli.fails(['login', '-u', 'bob', '-p', 'wrong', tokReg.host], /unauthorized|401/);
      const login = await d.docker(['login', '-u', 'bob', '--password-stdin', tokReg.host], { input: 'hunter2\n' });
      assert.equal(login.code, 0, login.stderr + d.logTail(5));
      const issuedBefore = tokens.issued.length;
      const push = await d.docker(['push', name]);
      assert.equal(push.code, 0, push.stderr + d.logTail(5));
      assert.match(push.stdout, /1: digest: sha256:/);
      // one token for the push's scope, whatever the number of requests it made
      const pushTokens = tokens.issued.slice(issuedBefore);
      assert.equal(pushTokens.length, 1, JSON.stringify(pushTokens));
      assert.deepEqual(pushTokens[0], { account: 'bob', scopes: ['repository:secure:pull,push'] });
      await cli.ok(['rmi', name]);
      await cli.ok(['logout', tokReg.host]);
      // anonymous pull: the token grants pull
      await cli.ok(['pull', name]);
      assert.equal(await cli.ok(['image', 'inspect', '-f', '{{.Id}}', name]), busyboxId);
    } finally {
      await tokReg.stop();
      await tokens.stop();
    }
  });

  test('search answers from the registry\'s catalog; push --all-tags pushes every tag', async () => {
    await cli.ok(['tag', 'busybox', `${reg.host}/tagged:a`]);
    await cli.ok(['tag', 'busybox', `${reg.host}/tagged:b`]);
    const all = await d.docker(['push', '--all-tags', `${reg.host}/tagged`]);
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stdout, /a: digest: sha256:/);
    assert.match(all.stdout, /b: digest: sha256:/);
    const tags = await getJson(`http://${reg.host}/v2/tagged/tags/list`, '*/*');
    assert.deepEqual((tags.json.tags as string[]).sort(), ['a', 'b']);
    const search = await cli.ok(['search', '--format', '{{.Name}}', `${reg.host}/tagg`]);
    assert.equal(search, `${reg.host}/tagged`);
  });
});
