// Hostile input: every POST/PUT route given malformed and wrongly typed JSON, malformed filters,
// absurd headers and bodies, truncated requests, and malicious tars (`../`, absolute names, a
// symlink then a file through it, a hardlink to a host file, device nodes) for archive PUT, load,
// import and build contexts (and a tar ADDed from one). berthd answers each with a 4xx (never 5xx for a client's mistake), stays up, and writes
// nothing outside its data root or the container's root.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import tar from 'tar-stream';
import { routeTables } from '../../src/api/routers/index.js';
import { Berthd, busyboxTar, cliAsserts, skipReason, startBerthd } from './harness.js';

interface TarEntry { name: string; type?: 'file' | 'directory' | 'symlink' | 'link' | 'character-device' | 'block-device' | 'fifo'; body?: string; linkname?: string; devmajor?: number; devminor?: number }

function makeTar(entries: TarEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const e of entries) {
    const { body, ...header } = e;
    pack.entry({ mode: 0o644, ...header, ...(e.type === 'directory' ? { mode: 0o755 } : {}) }, body ?? '');
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    pack.on("data", (c: unknown) => chunks.push(c as Buffer));
    pack.on('end', () => resolve(Buffer.concat(chunks)));
    pack.on('error', reject);
  });
}

/** A raw request on the unix socket: any method, headers and body bytes. */
function raw(d: Berthd, method: string, p: string, body?: Buffer | string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      socketPath: d.socket, method, path: p,
      headers: body === undefined ? headers : { 'Content-Length': String(Buffer.byteLength(body)), ...headers },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Bytes written straight onto the socket; resolves with whatever came back before it closed. */
function rawSocket(d: Berthd, payload: Buffer | string, closeAfterWrite = false): Promise<string> {
  return new Promise((resolve) => {
    const c = net.connect(d.socket);
    let got = '';
    c.on('data', (b: Buffer) => { got += b.toString(); });
    c.on('error', () => resolve(got));
    c.on('close', () => resolve(got));
    c.write(payload, () => { if (closeAfterWrite) c.end(); });
    setTimeout(() => c.destroy(), 3000);
  });
}

describe('hostile input', { skip: skipReason, timeout: 600_000 }, () => {
  let d: Berthd;
  let marker: string;
  const { ok } = cliAsserts(() => d);

  before(async () => {
    d = await startBerthd();
    await ok(['load', '-i', await busyboxTar()]);
    await ok(['create', '--name', 'victim', 'busybox', 'sleep', '300']);
    await ok(['volume', 'create', 'vol']);
    marker = fs.mkdtempSync(path.join('/tmp', 'berth-hostile-'));
  });

  after(async () => {
    if (!d) return;
    await ok(['rm', '-f', 'victim', 'runner']).catch(() => undefined);
    await d.stop('SIGTERM');
    d.cleanup();
    if (marker) fs.rmSync(marker, { recursive: true, force: true });
  });

  const alive = async (): Promise<void> => {
    assert.equal((await d.request('GET', '/_ping')).status, 200, `berthd died:\n${d.logTail(30)}`);
  };
  const nothingEscaped = (): void => {
    assert.deepEqual(fs.readdirSync(marker), [], 'something was written outside the container');
    for (const p of ['/evil', '/tmp/evil', '/abs-evil', '/tmp/abs-evil']) assert.equal(fs.existsSync(p), false, `${p} exists on the host`);
  };

  // Routes whose effects leave this machine (pull, push, auth) or that hijack the connection are
  // exercised elsewhere; everything else with a body gets the hostile bodies.
  const SKIP = new Set(['/images/create', '/images/load', '/containers/:id/attach', '/containers/:id/archive', '/containers/:id/copy',
    '/auth', '/build', '/networks/create', '/networks/:id/connect', '/networks/:id/disconnect']);
  const bodyRoutes = routeTables().flatMap((r) => r.routes())
    .filter((r) => (r.method === 'POST' || r.method === 'PUT') && !SKIP.has(r.path) && !r.path.endsWith('prune'));
  const concrete = (p: string): string => p.replace(':id', 'victim').replace(':name', 'vol').replace('/images/*', '/images/busybox/tag');
  /**
   * Where dockerd answers 5xx too: the state of the server, not the client's body — a node outside a
   * swarm is 503 Unavailable; unpausing a container that is not paused is a plain error (500) in
   * moby's containerUnpause.
   */
  const dockerdAlsoServerError = (p: string, status: number): boolean =>
    (status === 503 && /^\/(swarm|services|secrets|configs|nodes)\b/.test(p)) || (status === 500 && p === '/containers/:id/unpause');
  const deep = '['.repeat(20_000) + ']'.repeat(20_000);
  const BODIES: Array<[string, string]> = [
    ['truncated', '{"Image": "busybox", "Cmd": ['],
    ['not json', 'hello there'],
    ['array', '[1, 2, 3]'],
    ['string', '"busybox"'],
    ['number', '42'],
    ['null', 'null'],
    ['wrong types', JSON.stringify({ Image: 5, Cmd: 'x', Env: { a: 1 }, HostConfig: 'x', Labels: [1], ExposedPorts: [], Name: {}, Memory: 'lots', RestartPolicy: 7, Spec: 3, Driver: [], DriverOpts: 'x', AttachStdin: 'yes', Tty: {}, Detach: 'x', Size: 'x' })],
    ['nested wrong types', JSON.stringify({ Image: 'busybox', HostConfig: { Binds: 'x', PortBindings: [1], Mounts: 'x', Devices: {}, Ulimits: 'x', RestartPolicy: { Name: 5 }, LogConfig: 'x', Memory: -5 }, NetworkingConfig: 'x', Healthcheck: 'x' })],
    ['deep nesting', deep],
    ['NUL and invalid UTF-8', Buffer.from([0x7b, 0x22, 0x00, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]).toString('latin1')],
  ];

  test('malformed and wrongly typed JSON on every body route: 4xx, never 5xx, never a crash', async () => {
    const fives: string[] = [];
    for (const r of bodyRoutes) {
      for (const [label, body] of BODIES) {
        const res = await raw(d, r.method, concrete(r.path), body, { 'Content-Type': 'application/json' });
        if (res.status >= 500 && !dockerdAlsoServerError(r.path, res.status)) fives.push(`${r.method} ${r.path} (${label}) → ${res.status} ${res.body.trim()}`);
        assert.ok(res.status >= 200, `${r.method} ${r.path} (${label}) got no answer`);
      }
      await alive();
    }
    assert.deepEqual(fives, []);
    nothingEscaped();
  });

  test('malformed filters and query values on list routes: 400', async () => {
    for (const p of ['/containers/json', '/images/json', '/volumes', '/containers/prune', '/images/prune', '/volumes/prune']) {
      const method = p.endsWith('prune') ? 'POST' : 'GET';
      for (const q of ['filters={bad', 'filters=%7B%22label%22%3A5%7D', 'filters=' + encodeURIComponent('{"nosuchfilter":["x"]}')]) {
        const res = await raw(d, method, `${p}?${q}`);
        assert.ok(res.status >= 400 && res.status < 500, `${method} ${p}?${q} → ${res.status} ${res.body}`);
      }
    }
    for (const p of ['/containers/victim/logs?stdout=1&tail=lots', '/containers/victim/stop?t=never', '/containers/victim/kill?signal=SIGNOPE',
      '/containers/victim/resize?h=-1&w=x', '/containers/json?limit=many']) {
      const method = /stop|kill|resize/.test(p) ? 'POST' : 'GET';
      const res = await raw(d, method, p);
      assert.ok(res.status < 500, `${method} ${p} → ${res.status} ${res.body}`);
    }
    await alive();
  });

  test('absurd headers, bodies and truncated requests: answered or dropped, berthd stays up', async () => {
    const huge = await rawSocket(d, `GET /_ping HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(100_000)}\r\n\r\n`);
    assert.match(huge, /^HTTP\/1\.1 4\d\d /);
    const many = await rawSocket(d, `GET /_ping HTTP/1.1\r\nHost: x\r\n${Array.from({ length: 5000 }, (_, i) => `X-H${i}: v`).join('\r\n')}\r\n\r\n`);
    assert.match(many, /^HTTP\/1\.1 4\d\d /);
    assert.match(await rawSocket(d, 'NOT HTTP AT ALL\r\n\r\n'), /^HTTP\/1\.1 400 /);
    assert.match(await rawSocket(d, 'POST /containers/create HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n'), /^HTTP\/1\.1 400 /);
    // a body announced as 10 GB: refused without reading it
    const big = await rawSocket(d, 'POST /containers/create HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10000000000\r\n\r\n{"Image":');
    assert.match(big, /^HTTP\/1\.1 4\d\d /);
    // a body cut short by the client going away: no answer needed, no crash
    await rawSocket(d, 'POST /containers/create HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"Image":"bus', true);
    await rawSocket(d, 'PUT /containers/victim/archive?path=/tmp HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n' + 'x'.repeat(600), true);
    await rawSocket(d, 'POST /images/load HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-tar\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nnot a tar at all', true);
    // a JSON body of 80 MiB (above the 64 MiB body limit)
    const fat = await raw(d, 'POST', '/containers/create', `{"Image":"busybox","Labels":{"x":"${'y'.repeat(80 * 1024 * 1024)}"}}`, { 'Content-Type': 'application/json' })
      .catch((err: Error) => ({ status: 0, body: err.message }));
    assert.ok(fat.status === 0 || (fat.status >= 400 && fat.status < 500), `80 MiB body → ${fat.status}`);
    await alive();
  });

  test('malicious tars for archive PUT: refused or kept inside the container, never on the host', async () => {
    await ok(['run', '-d', '--name', 'runner', 'busybox', 'sleep', '300']);
    const put = async (entries: TarEntry[], dest = '/tmp'): Promise<number> =>
      (await raw(d, 'PUT', `/containers/runner/archive?path=${encodeURIComponent(dest)}`, await makeTar(entries))).status;
    const rel = path.relative('/', marker);
    const cases: TarEntry[][] = [
      [{ name: `../../../../../../../../${rel}/evil`, body: 'x' }],
      [{ name: `/${rel}/abs-evil`, body: 'x' }],
      [{ name: 'escape', type: 'symlink', linkname: marker }, { name: 'escape/through', body: 'x' }],
      [{ name: 'up', type: 'symlink', linkname: '../../../../../../..' }, { name: `up/${rel}/via-up`, body: 'x' }],
      [{ name: 'hostfile', type: 'link', linkname: '/etc/hostname' }],
      [{ name: 'dotdotlink', type: 'link', linkname: `../../../../../../../${rel}/nothing` }],
      [{ name: 'null', type: 'character-device', devmajor: 1, devminor: 3 }, { name: 'sda', type: 'block-device', devmajor: 8, devminor: 0 }],
      [{ name: '', body: 'x' }, { name: '.', type: 'directory' }, { name: '././/..//./evil', body: 'x' }],
    ];
    for (const entries of cases) {
      for (const dest of ['/tmp', '/']) {
        const status = await put(entries, dest);
        assert.ok(status === 200 || (status >= 400 && status < 500), `${JSON.stringify(entries.map((e) => e.name))} at ${dest} → ${status}`);
      }
      nothingEscaped();
    }
    // what got in stayed inside: the hardlink to /etc/hostname is not the host's file
    const host = fs.readFileSync('/etc/hostname', 'utf8');
    const inside = await d.docker(['exec', 'runner', 'cat', '/tmp/hostfile']);
    if (inside.code === 0) assert.notEqual(inside.stdout, host);
    await alive();
  });

  test('malicious and malformed tars for load and import: 4xx, nothing outside', async () => {
    const rel = path.relative('/', marker);
    const layer = await makeTar([{ name: `../../../../../../../${rel}/layer-evil`, body: 'x' }, { name: `/${rel}/layer-abs`, body: 'x' }]);
    const archives: Array<[string, Buffer]> = [
      ['garbage', Buffer.alloc(4096, 'z')],
      ['empty tar', await makeTar([])],
      ['traversal names', await makeTar([{ name: `../../../../../../../${rel}/evil`, body: 'x' }, { name: `/${rel}/abs-evil`, body: 'x' }])],
      ['manifest pointing outside', await makeTar([{ name: 'manifest.json', body: JSON.stringify([{ Config: '../../../../../../etc/passwd', RepoTags: ['evil:1'], Layers: ['../../../../../etc/shadow'] }]) }])],
      ['manifest of wrong types', await makeTar([{ name: 'manifest.json', body: JSON.stringify({ Config: 5, Layers: 'x' }) }])],
      ['manifest not json', await makeTar([{ name: 'manifest.json', body: '{{{' }])],
      ['symlinked config', await makeTar([{ name: 'c.json', type: 'symlink', linkname: '/etc/passwd' }, { name: 'manifest.json', body: JSON.stringify([{ Config: 'c.json', RepoTags: ['evil:2'], Layers: [] }]) }])],
      ['traversal in a layer', await makeTar([
        { name: 'config.json', body: JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, config: {} }) },
        { name: 'layer.tar', body: layer.toString('latin1') },
        { name: 'manifest.json', body: JSON.stringify([{ Config: 'config.json', RepoTags: ['evil:3'], Layers: ['layer.tar'] }]) }])],
      ['truncated', (await busyboxTarHead())],
    ];
    for (const [label, body] of archives) {
      const load = await raw(d, 'POST', '/images/load?quiet=1', body, { 'Content-Type': 'application/x-tar' });
      assert.ok(load.status < 500 && !/"errorDetail"[^}]*(EPERM|EACCES|ENOENT.*\/etc)/.test(load.body), `load ${label} → ${load.status} ${load.body.slice(0, 300)}`);
      const imp = await raw(d, 'POST', '/images/create?fromSrc=-&repo=imported&tag=x', body, { 'Content-Type': 'application/x-tar' });
      assert.ok(imp.status < 500, `import ${label} → ${imp.status} ${imp.body.slice(0, 300)}`);
      nothingEscaped();
      await alive();
    }
    assert.equal(fs.existsSync(`/${rel}/layer-evil`), false);
  });

  test('malicious build contexts (and a malicious tar ADDed from one): refused or kept inside, never on the host', async (t) => {
    const rel = path.relative('/', marker);
    const host = fs.readFileSync('/etc/hostname', 'utf8');
    const build = async (label: string, dockerfile: string, entries: TarEntry[]): Promise<{ status: number; body: string; id?: string }> => {
      const tag = `hostile-${label}`;
      const context = await makeTar([{ name: 'Dockerfile', body: dockerfile }, ...entries]);
      const r = await raw(d, 'POST', `/build?t=${tag}&rm=1&forcerm=1`, context, { 'Content-Type': 'application/x-tar' });
      assert.ok(r.status < 500, `build ${label} → ${r.status} ${r.body.slice(0, 300)}`);
      nothingEscaped();
      await alive();
      const id = (await d.docker(['image', 'inspect', '-f', '{{.Id}}', tag])).stdout.trim();
      const error = r.body.split('\n').flatMap((l) => { try { return [(JSON.parse(l) as { error?: string; message?: string })]; } catch { return []; } })
        .map((m) => m.error ?? m.message).find(Boolean);
      t.diagnostic(`build ${label}: ${id ? 'built' : `refused (${r.status}): ${error ?? r.body.slice(0, 200)}`}`);
      return { ...r, ...(id ? { id } : {}) };
    };
    // what a context may hold; COPY takes all of it into the image
    const copyAll = 'FROM busybox\nCOPY . /ctx/\n';
    const cases: Array<[string, TarEntry[]]> = [
      ['traversal', [{ name: `../../../../../../../../${rel}/evil`, body: 'x' }]],
      ['absolute', [{ name: `/${rel}/abs-evil`, body: 'x' }]],
      ['symlink-then-file', [{ name: 'escape', type: 'symlink', linkname: marker }, { name: 'escape/through', body: 'x' }]],
      ['dotdot-symlink', [{ name: 'up', type: 'symlink', linkname: '../../../../../../..' }, { name: `up/${rel}/via-up`, body: 'x' }]],
      ['hardlink-to-host', [{ name: 'hostfile', type: 'link', linkname: '/etc/hostname' }]],
      ['devices', [{ name: 'null', type: 'character-device', devmajor: 1, devminor: 3 }, { name: 'sda', type: 'block-device', devmajor: 8, devminor: 0 }]],
    ];
    for (const [label, entries] of cases) {
      const r = await build(label, copyAll, entries);
      if (!r.id) continue;
      // built: the hardlink is not the host's file, and no device node reached the image
      const run = await d.docker(['run', '--rm', `hostile-${label}`, 'sh', '-c', 'cat /ctx/hostfile 2>/dev/null; for f in /ctx/null /ctx/sda; do [ -b $f -o -c $f ] && echo device $f; done; true']);
      assert.equal(run.code, 0, run.stderr);
      if (host.trim() !== '') assert.ok(!run.stdout.includes(host.trim()), `${label}: the host's /etc/hostname reached the image`);
      assert.doesNotMatch(run.stdout, /^device /m, `${label}: ${run.stdout}`);
      await ok(['rmi', `hostile-${label}`]);
    }
    // a local tar ADDed is unpacked into the image: its own ../, absolute, symlink-then-file entries stay inside
    const evil = await makeTar([
      { name: `../../../../../../../../${rel}/evil`, body: 'x' }, { name: `/${rel}/abs-evil`, body: 'x' },
      { name: 'escape', type: 'symlink', linkname: marker }, { name: 'escape/through', body: 'x' },
      { name: 'hostfile', type: 'link', linkname: '/etc/hostname' },
    ]);
    const added = await build('add', 'FROM busybox\nADD evil.tar /x/\n', [{ name: 'evil.tar', body: evil.toString('latin1') }]);
    if (added.id) {
      const run = await d.docker(['run', '--rm', 'hostile-add', 'sh', '-c', 'cat /x/hostfile 2>/dev/null; true']);
      if (host.trim() !== '') assert.ok(!run.stdout.includes(host.trim()), 'the host\'s /etc/hostname reached the image');
      await ok(['rmi', 'hostile-add']);
    }
    const left = (await ok(['ps', '-a', '--format', '{{.Names}}'])).split('\n').filter((l) => l !== '' && l !== 'victim' && l !== 'runner');
    assert.deepEqual(left, [], 'no build container left');
  });
});

/** The first 10 KiB of the busybox image tar: a load cut off mid-stream. */
async function busyboxTarHead(): Promise<Buffer> {
  const fd = fs.openSync(await busyboxTar(), 'r');
  try {
    const b = Buffer.alloc(10 * 1024);
    fs.readSync(fd, b, 0, b.length, 0);
    return b;
  } finally {
    fs.closeSync(fd);
  }
}

describe('hostile clients: readers that stop reading', { skip: skipReason, timeout: 300_000 }, () => {
  let d: Berthd;
  const { ok } = cliAsserts(() => d);

  before(async () => {
    d = await startBerthd();
    await ok(['load', '-i', await busyboxTar()]);
  });

  after(async () => {
    if (!d) return;
    await ok(['rm', '-f', 'flood']).catch(() => undefined);
    await d.stop('SIGTERM');
    d.cleanup();
  });

  const rssMiB = (): number => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${d.proc!.pid}/status`, 'utf8'))![1]) / 1024;

  test('stalled logs -f and attach clients on a flooding container: berthd\'s memory stays bounded', async () => {
    await ok(['run', '-d', '--name', 'flood', '--log-opt', 'max-size=20m', '--log-opt', 'max-file=2', 'busybox', 'yes', 'x'.repeat(100)]);
    const base = rssMiB();
    const logPath = await ok(['inspect', '-f', '{{.LogPath}}', 'flood']);
    // clients that send their request and then never read a byte of the answer
    const stalled: net.Socket[] = [];
    const stall = (p: string): void => {
      const c = net.connect(d.socket);
      c.pause();
      const attach = p.includes('attach');
      c.write(`${attach ? 'POST' : 'GET'} ${p} HTTP/1.1\r\nHost: x\r\n${attach ? 'Connection: Upgrade\r\nUpgrade: tcp\r\n' : ''}Content-Length: 0\r\n\r\n`);
      stalled.push(c);
    };
    const watch = async (ms: number): Promise<number> => {
      let peak = 0;
      for (let t = 0; t < ms; t += 250) {
        await new Promise((r) => setTimeout(r, 250));
        peak = Math.max(peak, rssMiB());
      }
      return peak;
    };
    // followers of the log only: the container runs flat out, its log rotates under them
    for (let i = 0; i < 4; i++) stall('/containers/flood/logs?follow=1&stdout=1&stderr=1');
    const peakLogs = await watch(4000);
    const logged = fs.statSync(logPath).size;
    // then attached clients too: the container waits for them (as with dockerd), berthd does not buffer
    for (let i = 0; i < 4; i++) stall('/containers/flood/attach?stream=1&stdout=1&stderr=1');
    const peakAttach = await watch(3000);
    if (process.env.HOSTILE_DEBUG) console.log('rss', base, peakLogs, peakAttach, 'log bytes', logged);
    assert.ok(peakLogs - base < 150, `berthd grew from ${base.toFixed(0)} to ${peakLogs.toFixed(0)} MiB with stalled log followers`);
    assert.ok(peakAttach - base < 150, `berthd grew from ${base.toFixed(0)} to ${peakAttach.toFixed(0)} MiB with stalled attached clients`);
    for (const c of stalled) c.destroy();
    await ok(['rm', '-f', 'flood']);
    assert.equal((await d.request('GET', '/_ping')).status, 200);
  });
});
