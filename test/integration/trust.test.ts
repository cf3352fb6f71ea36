// Trust end to end: TLS on TCP with client certificates (the docker CLI with --tlsverify and with
// DOCKER_TLS_VERIFY/DOCKER_CERT_PATH), refusals of plain HTTP, of clients without a certificate and
// of certificates from another CA, and berthd refusing an unauthenticated TCP port beyond loopback.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { makeTestCerts, type TestCerts } from '../fixtures/tls-certs.js';
import { BERTHD, Berthd, busyboxTar, cliAsserts, skipReason, startBerthd, waitFor, type RunResult } from './harness.js';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** The docker CLI with exactly the environment given (no DOCKER_* leaking in from outside). */
function dockerCli(args: string[], env: Record<string, string>): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const clean: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', ...env };
    const child = spawn('docker', args, { env: clean, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = []; const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
  });
}

/** Runs berthd expecting it to refuse to start; resolves with its exit code and output. */
function berthdRefuses(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(BERTHD, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => { output += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { output += d.toString(); });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`berthd did not exit:\n${output}`)); }, 30_000);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, output }); });
  });
}

describe('trust: TLS', { skip: skipReason, timeout: 300_000 }, () => {
  let d: Berthd;
  let certs: TestCerts;
  let port: number;
  let tcp: string;
  const dockerConfig = (): string => path.join(d.root, 'docker-config');

  before(async () => {
    const root = fs.mkdtempSync(path.join('/tmp', 'bi-'));
    certs = makeTestCerts(path.join(root, 'certs'));
    port = await freePort();
    tcp = `tcp://127.0.0.1:${port}`;
    d = new Berthd(root);
    await d.start({ args: ['-H', tcp, '--tlsverify', '--tlscacert', certs.ca, '--tlscert', certs.serverCert, '--tlskey', certs.serverKey] });
  });

  after(async () => {
    if (!d) return;
    await d.stop('SIGTERM');
    d.cleanup();
  });

  test('the docker CLI with --tlsverify and client certificates works', async () => {
    const c = certs.client;
    const r = await dockerCli(['--tlsverify', '--tlscacert', path.join(c, 'ca.pem'), '--tlscert', path.join(c, 'cert.pem'),
      '--tlskey', path.join(c, 'key.pem'), '-H', tcp, 'version', '--format', '{{.Server.Version}}'], { DOCKER_CONFIG: dockerConfig() });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout.trim(), /^\d+\.\d+/);
    assert.match(d.logTail(200), new RegExp(`API listening on tcp://127.0.0.1:${port} \\(TLS\\)`));
  });

  test('DOCKER_TLS_VERIFY=1 with DOCKER_CERT_PATH works, and runs real requests', async () => {
    const env = { DOCKER_HOST: tcp, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs.client, DOCKER_CONFIG: dockerConfig() };
    const r = await dockerCli(['info', '--format', '{{.ID}}'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.trim().length > 0);
    const ps = await dockerCli(['ps', '-a', '--format', '{{.ID}}'], env);
    assert.equal(ps.code, 0, ps.stderr);
  });

  test('a plain-HTTP client is refused with Go\'s answer', async () => {
    const r = await dockerCli(['-H', tcp, 'version'], { DOCKER_CONFIG: dockerConfig() });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Client sent an HTTP request to an HTTPS server/);
    const raw = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path: '/_ping' }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => { body += c.toString(); });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      }).on('error', reject);
    });
    assert.equal(raw.status, 400);
    assert.match(raw.body, /Client sent an HTTP request to an HTTPS server/);
  });

  test('a TLS client without a certificate is refused', async () => {
    const outcome = await new Promise<string>((resolve) => {
      const req = https.get({ host: '127.0.0.1', port, path: '/_ping', ca: fs.readFileSync(certs.ca) }, (res) => {
        res.resume();
        resolve(`answered ${res.statusCode}`);
      });
      req.on('error', (err) => resolve(`refused: ${err.message}`));
    });
    assert.match(outcome, /^refused/);
    const r = await dockerCli(['--tls', '--tlscacert', certs.ca, '-H', tcp, 'version'], { DOCKER_CONFIG: dockerConfig(), DOCKER_CERT_PATH: path.join(d.root, 'none') });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /certificate|tls/i);
  });

  test('a client certificate signed by another CA is refused', async () => {
    const r = await dockerCli(['version'], { DOCKER_HOST: tcp, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs.foreignClient, DOCKER_CONFIG: dockerConfig() });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /tls|certificate/i);
    const server = await dockerCli(['version', '--format', '{{.Server.Version}}'], { DOCKER_HOST: tcp, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs.client, DOCKER_CONFIG: dockerConfig() });
    assert.equal(server.code, 0, 'the daemon is still serving after refusing');
  });

  test('an unauthenticated TCP port beyond loopback is refused at start-up', async () => {
    const root = fs.mkdtempSync(path.join('/tmp', 'bi-'));
    try {
      const r = await berthdRefuses(['-H', `unix://${root}/s.sock`, '-H', `tcp://0.0.0.0:${port + 1}`, '--data-root', `${root}/data`, '--exec-root', `${root}/exec`]);
      assert.notEqual(r.code, 0);
      assert.match(r.output, /Binding to IP address without --tlsverify is insecure/);
      assert.match(r.output, /refusing to listen on tcp:\/\/0\.0\.0\.0:\d+ without TLS.*'--tls=false'/);
      assert.equal(fs.existsSync(`${root}/s.sock`), false, 'nothing was served');
      const missing = await berthdRefuses(['-H', `unix://${root}/s.sock`, '-H', `tcp://127.0.0.1:${port + 1}`, '--tlsverify',
        '--tlscacert', certs.ca, '--tlscert', path.join(root, 'nope.pem'), '--tlskey', certs.serverKey, '--data-root', `${root}/data`, '--exec-root', `${root}/exec`]);
      assert.notEqual(missing.code, 0);
      assert.match(missing.output, /could not load X509 key pair: certificate .*nope\.pem/);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('trust: daemon.json', { skip: skipReason, timeout: 300_000 }, () => {
  let d: Berthd;
  let configFile: string;

  before(async () => {
    const root = fs.mkdtempSync(path.join('/tmp', 'bi-'));
    configFile = path.join(root, 'daemon.json');
    fs.writeFileSync(configFile, JSON.stringify({ 'log-level': 'debug', labels: ['a=b'], 'max-concurrent-downloads': 4,
      'log-driver': 'local', 'log-opts': { 'max-size': '1m' }, 'default-ulimits': { nofile: { Name: 'nofile', Soft: 1111, Hard: 2222 } },
      dns: ['10.0.0.2'], 'dns-search': ['example.test'] }));
    d = new Berthd(root);
    await d.start({ args: ['--config-file', configFile] });
    const load = await d.docker(['load', '-i', await busyboxTar()]);
    assert.equal(load.code, 0, load.stderr);
  });

  after(async () => {
    if (!d) return;
    await d.stop('SIGTERM');
    d.cleanup();
  });

  const labels = async (): Promise<string[]> => {
    const r = await d.docker(['info', '--format', '{{json .Labels}}']);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as string[];
  };

  test('the file takes effect: labels in docker info', async () => {
    assert.deepEqual(await labels(), ['a=b']);
  });

  test('container defaults from the file: log driver and options, ulimits, DNS', async () => {
    const info = await d.docker(['info', '--format', '{{.LoggingDriver}}']);
    assert.equal(info.stdout.trim(), 'local');
    const run = await d.docker(['run', '--name', 'defaults', 'busybox', 'sh', '-c', 'ulimit -Sn; ulimit -Hn; grep -E "^(nameserver|search)" /etc/resolv.conf']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.stdout.trim().split('\n'), ['1111', '2222', 'nameserver 10.0.0.2', 'search example.test']);
    const log = await d.docker(['inspect', '-f', '{{json .HostConfig.LogConfig}}', 'defaults']);
    assert.deepEqual(JSON.parse(log.stdout), { Type: 'local', Config: { 'max-size': '1m' } });
    assert.equal((await d.docker(['logs', 'defaults'])).stdout.split('\n')[0], '1111', 'the local driver keeps the output');
    // a container's own choices win
    const own = await d.docker(['run', '--rm', '--log-driver', 'json-file', '--ulimit', 'nofile=50:60', '--dns', '10.0.0.9', 'busybox', 'sh', '-c', 'ulimit -Sn; grep ^nameserver /etc/resolv.conf']);
    assert.equal(own.code, 0, own.stderr);
    assert.deepEqual(own.stdout.trim().split('\n'), ['50', 'nameserver 10.0.0.9']);
    assert.equal((await d.docker(['rm', 'defaults'])).code, 0);
  });

  test('SIGHUP reloads labels; a broken file changes nothing and berthd stays up', async () => {
    fs.writeFileSync(configFile, JSON.stringify({ 'log-level': 'debug', labels: ['c=d', 'team=x'] }));
    const since = Math.floor(Date.now() / 1000) - 1;
    d.proc!.kill('SIGHUP');
    await waitFor('reloaded labels', async () => JSON.stringify(await labels()) === '["c=d","team=x"]');
    assert.match(d.logTail(100), /Reloaded configuration: .*labels=\[\\"c=d\\",\\"team=x\\"\]/);
    // and a `daemon reload` event, with the engine's ID and the new values, as dockerd emits it
    const ev = await d.docker(['events', '--since', String(since), '--until', String(Math.ceil(Date.now() / 1000)), '--filter', 'type=daemon', '--format', '{{json .}}']);
    assert.equal(ev.code, 0, ev.stderr);
    const reloads = ev.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { Type: string; Action: string; Actor: { ID: string; Attributes: Record<string, string> } });
    assert.equal(reloads.length, 1, ev.stdout);
    assert.equal(reloads[0]!.Action, 'reload');
    assert.equal(reloads[0]!.Actor.ID, await d.docker(['info', '--format', '{{.ID}}']).then((r) => r.stdout.trim()));
    const attrs = reloads[0]!.Actor.Attributes;
    assert.equal(attrs.labels, '["c=d","team=x"]');
    assert.equal(attrs['log-level'], 'debug');
    assert.equal(attrs['default-runtime'], await d.docker(['info', '--format', '{{.DefaultRuntime}}']).then((r) => r.stdout.trim()));
    assert.ok(attrs.name, 'the host name');
    fs.writeFileSync(configFile, '{"labels":["z=z"],"unknown-key":true}');
    d.proc!.kill('SIGHUP');
    await waitFor('the reload error', async () => /Error reconfiguring the daemon: .*don't match any configuration option: unknown-key/.test(d.logTail(100)));
    assert.deepEqual(await labels(), ['c=d', 'team=x']);
  });

  test('a flag repeated in the file, an unknown key, a missing named file: refused at start-up; --validate', async () => {
    const root = fs.mkdtempSync(path.join('/tmp', 'bi-'));
    try {
      const file = path.join(root, 'daemon.json');
      const base = ['-H', `unix://${root}/s.sock`, '--data-root', `${root}/data`, '--exec-root', `${root}/exec`, '--config-file', file];
      fs.writeFileSync(file, JSON.stringify({ labels: ['a=b'], debug: true }));
      const conflict = await berthdRefuses([...base, '--label', 'x=y', '-D']);
      assert.equal(conflict.code, 1);
      assert.match(conflict.output, /unable to configure the Docker daemon with file .*daemon.json: the following directives are specified both as a flag and in the configuration file: labels: \(from flag: \[x=y\], from file: \[a=b\]\), debug: \(from flag: true, from file: true\)/);
      const ok = await berthdRefuses([...base, '--validate']);
      assert.equal(ok.code, 0);
      assert.equal(ok.output, 'configuration OK\n');
      fs.writeFileSync(file, JSON.stringify({ 'log-opts': { 'no-such-opt': '1' } }));
      const badOpt = await berthdRefuses(base);
      assert.equal(badOpt.code, 1);
      assert.match(badOpt.output, /failed to set log opts: unknown log opt 'no-such-opt' for json-file log driver/);
      fs.writeFileSync(file, JSON.stringify({ 'no-such-key': 1 }));
      const unknown = await berthdRefuses([...base, '--validate']);
      assert.equal(unknown.code, 1);
      assert.match(unknown.output, /the following directives don't match any configuration option: no-such-key/);
      fs.rmSync(file);
      const missing = await berthdRefuses(base);
      assert.equal(missing.code, 1);
      assert.match(missing.output, /open .*daemon.json: no such file or directory/);
      assert.equal(fs.existsSync(`${root}/data`), false, 'nothing was created');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  test('"log-level": "debug" in the file (no --debug flag): berthd logs at debug level', async () => {
    const root = fs.mkdtempSync(path.join('/tmp', 'bi-'));
    const file = path.join(root, 'daemon.json');
    fs.writeFileSync(file, JSON.stringify({ 'log-level': 'debug', labels: ['a=b'] }));
    // its own roots and no default bridge: nothing shared with other berthds
    const child = spawn(BERTHD, ['-H', `unix://${root}/s.sock`, '--data-root', `${root}/data`, '--exec-root', `${root}/exec`,
      '--bridge', 'none', '--ip-forward=false', '--config-file', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => { output += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { output += c.toString(); });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      await waitFor('berthd listening', async () => /API listening on unix:/.test(output) || child.exitCode !== null, 30_000);
      assert.match(output, /API listening on unix:/, output);
      assert.match(output, /level=debug/);
    } finally {
      child.kill('SIGTERM');
      await exited;
      spawnSync('sh', ['-c', `grep -o " ${root}[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l`]);
      fs.rmSync(root, { recursive: true, force: true });
    }
    assert.match(output, /shutdown complete/);
  });
});

describe('trust: live-restore', { skip: skipReason, timeout: 300_000 }, () => {
  let d: Berthd;
  const { ok } = cliAsserts(() => d);
  const COUNTER = ['sh', '-c', 'i=0; while true; do echo line-$i; i=$((i+1)); usleep 20000; done'];

  before(async () => {
    d = await startBerthd();
    await ok(['load', '-i', await busyboxTar()]);
  });

  after(async () => {
    if (!d) return;
    await ok(['rm', '-f', 'counter', 'plain']).catch(() => undefined);
    await d.stop('SIGTERM');
    d.cleanup();
  });

  /** The counter's log lines are exactly line-0 … line-N: nothing lost, nothing twice. */
  const assertContiguous = async (name: string): Promise<number> => {
    const lines = (await ok(['logs', name])).split('\n');
    lines.forEach((l, i) => assert.equal(l, `line-${i}`, `line ${i} of ${lines.length}`));
    return lines.length;
  };

  test('with --live-restore, SIGTERM leaves containers running and the next berthd adopts them, output intact', async () => {
    await d.stop('SIGTERM');
    await d.start({ args: ['--live-restore'] });
    const id = await ok(['run', '-d', '--name', 'counter', 'busybox', ...COUNTER]);
    const pid = Number(await ok(['inspect', '-f', '{{.State.Pid}}', id]));
    await waitFor('some output', async () => (await ok(['logs', 'counter'])).split('\n').length > 20);
    await d.stop('SIGTERM');
    assert.match(d.logTail(20), /live-restore enabled: containers keep running/);
    assert.ok(fs.existsSync(`/proc/${pid}`), 'the container kept running while berthd was away');
    await new Promise((r) => setTimeout(r, 500)); // output written meanwhile waits in the FIFO
    await d.start({ args: ['--live-restore'] });
    assert.equal(await ok(['inspect', '-f', '{{.State.Status}} {{.State.Pid}}', 'counter']), `running ${pid}`);
    const before = await assertContiguous('counter');
    await waitFor('output after the restart', async () => (await ok(['logs', 'counter'])).split('\n').length > before + 10);
    await assertContiguous('counter');
    assert.equal(JSON.parse(await ok(['info', '--format', '{{json .LiveRestoreEnabled}}'])), true);
    await ok(['stop', '-t', '0', 'counter']);
    await assertContiguous('counter');
  });

  test('without it, SIGTERM stops containers (and the next berthd finds them exited)', async () => {
    await d.stop('SIGTERM');
    await d.start();
    await ok(['run', '-d', '--name', 'plain', 'busybox', 'sleep', '300']);
    const pid = Number(await ok(['inspect', '-f', '{{.State.Pid}}', 'plain']));
    await d.stop('SIGTERM');
    assert.equal(fs.existsSync(`/proc/${pid}`), false);
    await d.start();
    assert.match(await ok(['inspect', '-f', '{{.State.Status}}', 'plain']), /^exited$/);
  });
});

describe('trust: the unix socket and the data-root lock', { skip: skipReason, timeout: 300_000 }, () => {
  let d: Berthd;
  const gidOf = (name: string): number | undefined => {
    const line = fs.readFileSync('/etc/group', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
    return line ? Number(line.split(':')[2]) : undefined;
  };

  before(async () => {
    d = new Berthd(fs.mkdtempSync(path.join('/tmp', 'bi-')));
    await d.start({ args: ['--group', 'adm'] });
  });

  after(async () => {
    if (!d) return;
    await d.stop('SIGTERM');
    d.cleanup();
  });

  test('the socket is 0660 with the --group group, and no temporary name is left behind', () => {
    const st = fs.statSync(d.socket);
    assert.ok(st.isSocket());
    assert.equal(st.mode & 0o777, 0o660);
    assert.equal(st.gid, gidOf('adm'));
    assert.deepEqual(fs.readdirSync(d.root).filter((f) => f.includes('.tmp')), []);
  });

  test('a second berthd on the same data root, or on a live socket, refuses to start with a clear error', async () => {
    const other = fs.mkdtempSync(path.join('/tmp', 'bi-'));
    try {
      const sameRoot = await berthdRefuses(['-H', `unix://${other}/s.sock`, '--data-root', d.dataRoot, '--exec-root', `${other}/exec`]);
      assert.notEqual(sameRoot.code, 0);
      assert.match(sameRoot.output, new RegExp(`data-root ${d.dataRoot} is in use by another berthd \\(pid ${d.proc!.pid}\\)`));
      assert.equal(fs.existsSync(`${other}/s.sock`), false);
      const sameSocket = await berthdRefuses(['-H', d.host, '--data-root', `${other}/data`, '--exec-root', `${other}/exec`]);
      assert.notEqual(sameSocket.code, 0);
      assert.match(sameSocket.output, /berth\.sock is in use by another daemon/);
      assert.equal((await d.request('GET', '/_ping')).status, 200, 'the first berthd still serves');
    } finally {
      spawnSync('sh', ['-c', `grep -o " ${other}[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l`]);
      fs.rmSync(other, { recursive: true, force: true });
    }
  });

  test('after kill -9 the stale socket is replaced and the lock is free', async () => {
    await d.stop('SIGKILL');
    assert.ok(fs.existsSync(d.socket), 'the crashed berthd left its socket');
    await d.start({ args: ['--group', 'adm'] });
    assert.equal((await d.request('GET', '/_ping')).status, 200);
    assert.equal(fs.statSync(d.socket).mode & 0o777, 0o660);
  });
});
