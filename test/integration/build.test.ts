// docker build with the classic builder end to end (DOCKER_BUILDKIT=0, the real docker CLI and
// docker-py): every kind of instruction, .dockerignore, multi-stage with --target skipping stages,
// a fully cached rebuild and invalidation from a changed file on, history, stdin Dockerfiles, -q,
// and the failures a user meets (a failing RUN, a syntax error, no Dockerfile, not a tar).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import tar from 'tar-stream';
import { clientOf, closeClients } from './client-of.js';
import { Berthd, busyboxTar, cliAsserts, dockerPy, skipReason, startBerthd, waitFor } from './harness.js';

// the classic builder: the CLI then uses POST /build (it prints a deprecation notice on stderr)
process.env.DOCKER_BUILDKIT = '0';

function writeTree(root: string, files: Record<string, string>): string {
  for (const [name, body] of Object.entries(files)) {
    const p = path.join(root, name);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, body);
  }
  return root;
}

const count = (text: string, re: RegExp): number => (text.match(new RegExp(re.source, 'gm')) ?? []).length;

describe('build (classic builder)', { skip: skipReason, timeout: 600_000 }, () => {
  let d: Berthd;
  let tmp: string;
  const { ok, fails } = cliAsserts(() => d);

  before(async () => {
    d = await startBerthd();
    await ok(['load', '-i', await busyboxTar()]);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-build-'));
  });

  after(async () => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    if (!d) return;
    closeClients(d);
    await d.stop('SIGTERM');
    d.cleanup();
  });

  test('instructions, .dockerignore, tags, history; a rebuild is cached and a changed file invalidates from its step', async () => {
    const ctx = writeTree(path.join(tmp, 'app'), {
      'a.txt': 'hello\n',
      'b.txt': 'bee\n',
      'keep.log': 'kept\n',
      'drop.log': 'dropped\n',
      'sub/inner.txt': 'inner\n',
      '.dockerignore': '*.log\n!keep.log\n',
      'Dockerfile': [
        '# syntax=docker/dockerfile:1',
        'ARG BASE=busybox',
        'FROM $BASE',
        'ARG GREETING=hi',
        'ENV FOO=bar \\',
        '    BAZ="with space"',
        'WORKDIR /app',
        'COPY a.txt ./',
        'COPY --chown=1:2 --chmod=640 *.log sub /app/logs/',
        'RUN echo "$GREETING ${FOO:-x} ${NOPE:+y}" > /greet && cat /app/a.txt',
        'COPY b.txt /app/',
        'LABEL org.example=yes',
        'EXPOSE 8080/tcp',
        'VOLUME /data',
        'STOPSIGNAL SIGUSR1',
        'USER 1000',
        'ENTRYPOINT ["/bin/sh", "-c"]',
        'CMD ["cat /greet"]',
      ].join('\n'),
    });
    const first = await ok(['build', '-t', 'app:one', '-t', 'app:two', '--build-arg', 'GREETING=yo', ctx]);
    assert.match(first, /^Step 1\/16 : ARG BASE=busybox$/m);
    assert.match(first, /^ ---> Running in [0-9a-f]{12}$/m);
    assert.match(first, /^hello$/m, 'RUN output streams');
    assert.match(first, /^Successfully built [0-9a-f]{12}$/m);
    assert.match(first, /^Successfully tagged app:one$/m);
    assert.match(first, /^Successfully tagged app:two$/m);

    assert.equal(await ok(['run', '--rm', 'app:one']), 'yo bar');
    // image tag events on the bus, one per -t
    const now = Math.floor(Date.now() / 1000) + 1;
    const tagged: string[] = [];
    for await (const e of await clientOf(d).systemEvents({ since: String(now - 120), until: String(now), filters: { type: ['image'], event: ['tag'] } })) {
      tagged.push(e.Actor?.Attributes?.name ?? '');
    }
    assert.ok(tagged.includes('app:one') && tagged.includes('app:two'), tagged.join(' '));
    const listing = await ok(['run', '--rm', '--entrypoint', 'sh', 'app:one', '-c', 'ls -n /app/logs | tail -n +2 | awk \'{print $1, $3, $4, $9}\'; echo "$BAZ"; pwd']);
    assert.deepEqual(listing.split('\n'), ['-rw-r----- 1 2 inner.txt', '-rw-r----- 1 2 keep.log', 'with space', '/app']);
    const cfg = JSON.parse(await ok(['image', 'inspect', 'app:two', '--format', '{{json .Config}}'])) as Record<string, unknown>;
    assert.deepEqual(cfg.Entrypoint, ['/bin/sh', '-c']);
    assert.deepEqual(cfg.Cmd, ['cat /greet']);
    assert.deepEqual(cfg.ExposedPorts, { '8080/tcp': {} });
    assert.deepEqual(cfg.Volumes, { '/data': {} });
    assert.equal(cfg.User, '1000');
    assert.equal(cfg.StopSignal, 'SIGUSR1');
    assert.equal(cfg.WorkingDir, '/app');
    assert.deepEqual((cfg.Labels as Record<string, string>)['org.example'], 'yes');

    const history = (await ok(['history', '--no-trunc', '--format', '{{.CreatedBy}}\t{{.Size}}', 'app:one'])).split('\n');
    assert.match(history[0] as string, /^\/bin\/sh -c #\(nop\)  CMD \["cat \/greet"\]\t0B$/);
    assert.ok(history.some((h) => /^\|1 GREETING=yo \/bin\/sh -c echo/.test(h)), 'RUN with its build arg in history');
    assert.ok(history.some((h) => /#\(nop\)  COPY file:[0-9a-f]{64} in \/app\/ \t\d+B$/.test(h)));

    const again = await ok(['build', '-t', 'app:one', '--build-arg', 'GREETING=yo', ctx]);
    assert.equal(count(again, /^ ---> Using cache$/m), 14, again);
    assert.doesNotMatch(again, /Running in/);
    assert.equal(/Successfully built ([0-9a-f]{12})/.exec(again)?.[1], /Successfully built ([0-9a-f]{12})/.exec(first)?.[1]);

    fs.writeFileSync(path.join(ctx, 'b.txt'), 'changed\n');
    const changed = await ok(['build', '-t', 'app:one', '--build-arg', 'GREETING=yo', ctx]);
    // steps before COPY b.txt come from the cache; that step and all after it run again
    assert.equal(count(changed, /^ ---> Using cache$/m), 6, changed);
    assert.equal(await ok(['run', '--rm', '--entrypoint', 'cat', 'app:one', '/app/b.txt']), 'changed');

    // an ignored file is not in the context, a touched (not changed) file keeps the cache
    fs.utimesSync(path.join(ctx, 'a.txt'), new Date(2001, 1, 1), new Date(2001, 1, 1));
    fs.writeFileSync(path.join(ctx, 'drop.log'), 'other\n');
    const touched = await ok(['build', '-t', 'app:one', '--build-arg', 'GREETING=yo', ctx]);
    assert.equal(count(touched, /^ ---> Using cache$/m), 14, touched);

    // --cache-from limits the cache to those images' chains (none here)
    const cacheFrom = await ok(['build', '--cache-from', 'nosuch:tag', '--build-arg', 'GREETING=yo', ctx]);
    assert.equal(count(cacheFrom, /^ ---> Using cache$/m), 0);
    const fromOne = await ok(['build', '--cache-from', 'app:one', '-t', 'app:one', '--build-arg', 'GREETING=yo', ctx]);
    assert.equal(count(fromOne, /^ ---> Using cache$/m), 14, fromOne);
  });

  test('multi-stage: COPY --from, --target builds only the stages it needs', async () => {
    const ctx = writeTree(path.join(tmp, 'multi'), {
      'Dockerfile': [
        'FROM busybox AS build',
        'RUN echo built > /out.txt',
        'FROM busybox AS unused',
        'RUN echo unused-stage-ran',
        'FROM build AS test',
        'RUN echo testing',
        'FROM busybox',
        'COPY --from=build /out.txt /final/',
        'COPY --from=0 /out.txt /again.txt',
      ].join('\n'),
    });
    const out = await ok(['build', '-t', 'multi', ctx]);
    assert.doesNotMatch(out, /unused-stage-ran/);
    assert.doesNotMatch(out, /testing/);
    assert.match(out, /^Step 1\/5 : FROM busybox AS build$/m);
    assert.equal(await ok(['run', '--rm', 'multi', 'cat', '/final/out.txt', '/again.txt']), 'built\nbuilt');

    const target = await ok(['build', '--target', 'test', '--label', 'built.by=berth', '-t', 'multi:test', ctx]);
    assert.match(target, /testing/);
    assert.doesNotMatch(target, /unused-stage-ran/);
    assert.match(target, /^Step 1\/5 : FROM busybox AS build$/m);
    assert.match(target, /^Step 5\/5 : LABEL "built.by"="berth"$/m);
    assert.equal(await ok(['image', 'inspect', 'multi:test', '--format', '{{index .Config.Labels "built.by"}}']), 'berth');
    await fails(['build', '--target', 'nosuch', ctx], /failed to reach build target nosuch in Dockerfile/);
  });

  test('Dockerfile on stdin, -f elsewhere and -f -, -q prints the image ID, ONBUILD and HEALTHCHECK', async () => {
    const parent = await d.docker(['build', '-q', '-t', 'onb', '-'], {
      input: 'FROM busybox\nONBUILD RUN echo triggered > /trig\nHEALTHCHECK --interval=5s --timeout=3s --retries=2 CMD echo ok\n',
    });
    assert.equal(parent.code, 0, parent.stderr);
    assert.match(parent.stdout.trim(), /^sha256:[0-9a-f]{64}$/);
    const hc = JSON.parse(await ok(['image', 'inspect', 'onb', '--format', '{{json .Config.Healthcheck}}'])) as unknown;
    assert.deepEqual(hc, { Test: ['CMD-SHELL', 'echo ok'], Interval: 5e9, Timeout: 3e9, Retries: 2 });

    const ctx = writeTree(path.join(tmp, 'other'), { 'files/x.txt': 'x\n', 'docker/build.df': 'FROM onb\nCOPY files/x.txt /x.txt\n' });
    const child = await ok(['build', '-t', 'onb-child', '-f', path.join(ctx, 'docker/build.df'), ctx]);
    assert.match(child, /# Executing 1 build trigger/);
    assert.equal(await ok(['run', '--rm', 'onb-child', 'cat', '/trig', '/x.txt']), 'triggered\nx');
    assert.equal(JSON.parse(await ok(['image', 'inspect', 'onb-child', '--format', '{{json .Config.OnBuild}}'])), null);

    const stdinDf = await d.docker(['build', '-t', 'fromstdin', '-f', '-', ctx], { input: 'FROM busybox\nCOPY files /f\n' });
    assert.equal(stdinDf.code, 0, stdinDf.stderr);
    assert.equal(await ok(['run', '--rm', 'fromstdin', 'cat', '/f/x.txt']), 'x');
  });

  test('ADD unpacks local archives and fetches URLs; FROM scratch', async () => {
    const ctx = writeTree(path.join(tmp, 'add'), { 'payload/in/one.txt': 'one\n', 'plain.txt': 'plain\n' });
    const made = spawnSync('tar', ['-czf', path.join(ctx, 'bundle.tar.gz'), '-C', path.join(ctx, 'payload'), 'in']);
    assert.equal(made.status, 0, String(made.stderr));
    fs.rmSync(path.join(ctx, 'payload'), { recursive: true });
    const server = http.createServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Last-Modified': 'Wed, 21 Oct 2015 07:28:00 GMT' });
      res.end(`served ${req.url ?? ''}\n`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      fs.writeFileSync(path.join(ctx, 'Dockerfile'), [
        'FROM busybox',
        'ADD bundle.tar.gz /unpacked/',
        'ADD plain.txt /plain/',
        `ADD http://127.0.0.1:${port}/remote.txt /remote/`,
      ].join('\n'));
      await ok(['build', '-t', 'added', ctx]);
      const out = await ok(['run', '--rm', 'added', 'sh', '-c', 'cat /unpacked/in/one.txt /plain/plain.txt /remote/remote.txt; stat -c %a /remote/remote.txt']);
      assert.equal(out, 'one\nplain\nserved /remote.txt\n600');
    } finally {
      server.close();
    }
    const scratch = writeTree(path.join(tmp, 'scratch'), { 'Dockerfile': 'FROM scratch\nCOPY hello.txt /\nCMD ["/nothing"]\n', 'hello.txt': 'hi\n' });
    await ok(['build', '-t', 'fromscratch', scratch]);
    const layers = JSON.parse(await ok(['image', 'inspect', 'fromscratch', '--format', '{{json .RootFS.Layers}}'])) as string[];
    assert.equal(layers.length, 1);
    const cid = await ok(['create', 'fromscratch']);
    const cp = spawnSync('docker', ['cp', `${cid}:/hello.txt`, '-'], { env: { ...process.env, DOCKER_HOST: d.host } });
    assert.match(cp.stdout.toString('latin1'), /hi\n/);
    await ok(['rm', cid]);
  });

  test('remote contexts: a tar URL, a bare Dockerfile URL, a git repository with #ref:subdir', async () => {
    const pack = tar.pack();
    pack.entry({ name: 'Dockerfile' }, 'FROM busybox\nCOPY msg /msg\n');
    pack.entry({ name: 'msg' }, 'from a remote tar\n');
    pack.finalize();
    const chunks: Buffer[] = [];
    for await (const c of pack) chunks.push(c as Buffer);
    const ctxTar = Buffer.concat(chunks);
    // a git repository served over git's dumb HTTP protocol (static files)
    const work = path.join(tmp, 'gitwork');
    const bare = path.join(tmp, 'gitserve', 'repo.git');
    writeTree(work, { 'sub/Dockerfile': 'FROM busybox\nCOPY msg /msg\n', 'sub/msg': 'from git\n' });
    const git = (args: string[], cwd = work): void => {
      const r = spawnSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' } });
      assert.equal(r.status, 0, r.stderr);
    };
    git(['init', '-q', '-b', 'main']); git(['add', '.']); git(['commit', '-qm', 'x']);
    git(['clone', '-q', '--bare', work, bare], tmp);
    git(['--git-dir', bare, 'update-server-info'], tmp);
    const server = http.createServer((req, res) => {
      if (req.url === '/ctx.tar') { res.writeHead(200, { 'Content-Type': 'application/x-tar' }); res.end(ctxTar); return; }
      if (req.url?.startsWith('/repo.git/')) {
        const file = path.join(tmp, 'gitserve', path.posix.normalize(req.url.split('?')[0] as string));
        if (fs.existsSync(file) && fs.statSync(file).isFile()) { res.writeHead(200); res.end(fs.readFileSync(file)); } else { res.writeHead(404); res.end(); }
        return;
      }
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('FROM busybox\nRUN echo from-a-remote-dockerfile > /msg\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      for (const [url, tag, want] of [[`http://127.0.0.1:${port}/ctx.tar`, 'remote-tar', 'from a remote tar'], [`http://127.0.0.1:${port}/Dockerfile`, 'remote-df', 'from-a-remote-dockerfile'], [`http://127.0.0.1:${port}/repo.git#main:sub`, 'remote-git', 'from git']] as const) {
        let out = '';
        for await (const m of await clientOf(d).imageBuild({ remote: url, t: tag })) out += m.stream ?? m.error ?? '';
        assert.match(out, /Successfully built/, out);
        assert.equal(await ok(['run', '--rm', tag, 'cat', '/msg']), want);
      }
    } finally {
      server.close();
    }
  });

  test('RUN steps get the build\'s limits and extra hosts; --iidfile', async () => {
    const iid = path.join(tmp, 'iid');
    const r = await d.docker(['build', '--no-cache', '--memory', '64m', '--add-host', 'buildhost:10.9.8.7', '--iidfile', iid, '-'], {
      input: 'FROM busybox\nRUN grep buildhost /etc/hosts && (cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max)\n',
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^10\.9\.8\.7\tbuildhost$/m);
    assert.match(r.stdout, /^67108864$/m);
    const id = fs.readFileSync(iid, 'utf8').trim();
    assert.match(id, /^sha256:[0-9a-f]{64}$/);
    assert.equal(await ok(['image', 'inspect', '--format', '{{.Id}}', id]), id);
  });

  test('failures: a failing RUN, a syntax error, a missing Dockerfile, COPY outside the context, not a tar', async () => {
    const failing = await d.docker(['build', '-'], { input: 'FROM busybox\nRUN echo before && exit 3\n' });
    assert.notEqual(failing.code, 0);
    assert.match(failing.stderr, /The command '\/bin\/sh -c echo before && exit 3' returned a non-zero code: 3/);
    assert.match(failing.stdout, /^before$/m);
    // the step's stderr comes in red, as dockerd shows it
    const red = await d.docker(['build', '--no-cache', '-'], { input: 'FROM busybox\nRUN echo to-stderr >&2\n' });
    assert.equal(red.code, 0, red.stderr);
    assert.ok(red.stdout.includes('\x1b[91mto-stderr\n\x1b[0m'), JSON.stringify(red.stdout));

    const syntax = await d.docker(['build', '-'], { input: 'FROM busybox\n\nFOO bar\n' });
    assert.match(syntax.stderr, /dockerfile parse error line 3: unknown instruction: FOO/);

    const empty = writeTree(path.join(tmp, 'empty'), { 'x': '' });
    await fails(['build', empty], /Cannot locate specified Dockerfile: Dockerfile|unable to prepare context/);

    const outside = await d.docker(['build', '-'], { input: 'FROM busybox\nCOPY ../etc/passwd /x\n' });
    assert.notEqual(outside.code, 0);
    assert.match(outside.stderr, /forbidden path outside the build context|file not found in build context/);

    const notTar = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request({ socketPath: d.socket, method: 'POST', path: '/build', headers: { 'Content-Type': 'application/x-tar' } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => { body += c.toString(); });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end(Buffer.alloc(2048, 'x'));
    });
    assert.ok(notTar.status >= 400 || /errorDetail/.test(notTar.body), JSON.stringify(notTar));
    assert.match(notTar.body, /tar/i);
    // berthd is still up and left no build containers behind on success paths
    await ok(['version']);
  });

  test('a client that goes away cancels the build: its RUN container is killed and removed; prune and cancel answer', async () => {
    const pack = tar.pack();
    pack.entry({ name: 'Dockerfile' }, 'FROM busybox\nRUN echo started && sleep 60\n');
    pack.finalize();
    const chunks: Buffer[] = [];
    for await (const c of pack) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const before = (await ok(['ps', '-aq'])).split('\n').filter(Boolean);
    await new Promise<void>((resolve, reject) => {
      const req = http.request({ socketPath: d.socket, method: 'POST', path: '/build?t=cancelled', headers: { 'Content-Type': 'application/x-tar', 'Content-Length': body.length } }, (res) => {
        let seen = '';
        res.on('data', (c: Buffer) => {
          seen += c.toString();
          if (seen.includes('"started\\n"')) { req.destroy(); resolve(); }
        });
        res.on('error', () => undefined);
      });
      req.on('error', (err) => { if (!req.destroyed) reject(err); });
      req.end(body);
    });
    await waitFor('the build container to go', async () => {
      const now = (await ok(['ps', '-aq'])).split('\n').filter(Boolean);
      return now.length === before.length;
    });
    await fails(['image', 'inspect', 'cancelled'], /No such image/);
    const prune = await clientOf(d).buildPrune();
    assert.deepEqual(Object.keys(prune).sort(), ['CachesDeleted', 'SpaceReclaimed']);
    assert.equal((await d.request('POST', '/build/cancel?id=nosuch')).status, 200);
  });

  test('docker-py images.build', { skip: dockerPy ? false : 'python3-docker is not installed' }, () => {
    const ctx = writeTree(path.join(tmp, 'py'), { 'Dockerfile': 'FROM busybox\nARG WHO=nobody\nRUN echo "hi $WHO" > /who\nCMD ["cat", "/who"]\n' });
    const script = [
      'import docker, sys',
      `c = docker.DockerClient(base_url="unix://${d.socket}")`,
      `img, logs = c.images.build(path="${ctx}", tag="pybuilt:1", buildargs={"WHO": "py"}, rm=True)`,
      'print("tags", img.tags)',
      'print("out", c.containers.run("pybuilt:1", remove=True).decode().strip())',
      'print("steps", sum(1 for l in logs if "stream" in l and l["stream"].startswith("Step ")))',
      'try:',
      '    c.images.build(fileobj=__import__("io").BytesIO(b"FROM busybox\\nRUN exit 7\\n"))',
      'except docker.errors.BuildError as e:',
      '    print("error", e.msg)',
    ].join('\n');
    const r = spawnSync(dockerPy as string, ['-c', script], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /tags \['pybuilt:1'\]/);
    assert.match(r.stdout, /out hi py/);
    assert.match(r.stdout, /steps 4/);
    assert.match(r.stdout, /error The command '\/bin\/sh -c exit 7' returned a non-zero code: 7/);
  });
});
