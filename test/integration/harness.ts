// Starts real berthd instances (managed containerd, temporary roots, own socket) and drives them
// with the real docker CLI and raw HTTP. Integration tests need root, containerd and the docker CLI:
// `skipReason` says which is missing so tests skip with a clear message.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBusyboxImage } from '../fixtures/busybox-image.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** berthd's launcher (bin/berthd: node with berthd's command-line settings), run as an executable */
export const BERTHD = path.resolve(here, '../../../bin/berthd');

function which(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

export const skipReason: string | false = (() => {
  if (process.getuid?.() !== 0) return 'integration tests need root (containerd, namespaces, overlayfs)';
  if (!which('containerd')) return 'integration tests need containerd (apt-get install containerd)';
  if (!which('docker')) return 'integration tests need the docker CLI (apt-get install docker.io)';
  if (!fs.existsSync('/usr/bin/busybox')) return 'integration tests need /usr/bin/busybox (apt-get install busybox-static)';
  return false;
})();

export interface RunResult { code: number; stdout: string; stderr: string }
export interface HttpResult { status: number; headers: http.IncomingHttpHeaders; body: string }

let busyboxTarPromise: Promise<string> | undefined;
/** The test image, built once per test process from Debian's busybox-static. */
export function busyboxTar(): Promise<string> {
  busyboxTarPromise ??= (async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-img-'));
    // one 2 MiB tar per test process: gone with the process, not left in /tmp run after run
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    const out = path.join(dir, 'busybox.tar');
    await buildBusyboxImage(out, { tag: 'busybox:latest' });
    return out;
  })();
  return busyboxTarPromise;
}

export class Berthd {
  proc: ChildProcess | undefined;
  readonly socket: string;
  readonly dataRoot: string;
  readonly execRoot: string;
  readonly logFile: string;
  private readonly dockerConfig: string;
  /** this berthd's own default bridge and subnet, so that parallel berthds never share one */
  readonly bridge = uniqueBridge();

  /** `debug: false`: berthd at its default log level (the bench: dockerd runs without --debug too). */
  constructor(readonly root: string, readonly extraArgs: string[] = [], readonly options: { debug?: boolean } = {}) {
    this.socket = path.join(root, 'berth.sock');
    this.dataRoot = path.join(root, 'data');
    this.execRoot = path.join(root, 'exec');
    this.logFile = path.join(root, 'berthd.log');
    this.dockerConfig = path.join(root, 'docker-config');
    fs.mkdirSync(this.dockerConfig, { recursive: true });
  }

  get host(): string { return `unix://${this.socket}`; }

  /** `args`: extra berthd flags (after the harness's own). */
  async start(opts: { args?: string[] } = {}): Promise<void> {
    const log = fs.openSync(this.logFile, 'a');
    this.proc = spawn(BERTHD, ['-H', this.host, '--data-root', this.dataRoot, '--exec-root', this.execRoot, ...(this.options.debug === false ? [] : ['--debug']),
      '--bridge', this.bridge.name, '--bip', this.bridge.bip, '--default-address-pool', this.bridge.pool,
      // tests never send traffic beyond this machine: the host's forwarding stays as it is
      '--ip-forward=false', ...this.extraArgs, ...(opts.args ?? [])], {
      stdio: ['ignore', log, log],
    });
    fs.closeSync(log);
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (this.proc.exitCode !== null) break;
      try {
        const r = await this.request('GET', '/_ping');
        if (r.status === 200) return;
      } catch { /* not up yet */ }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`berthd did not start:\n${this.logTail()}`);
  }

  logTail(lines = 40): string {
    try { return fs.readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n'); } catch { return ''; }
  }

  /** SIGTERM (clean shutdown) or SIGKILL (crash); resolves when the process is gone. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise<void>((r) => p.once('exit', () => r()));
    p.kill(signal);
    await exited;
  }

  /** `apiVersion`: DOCKER_API_VERSION for this call (unset by default). */
  docker(args: string[], options: { input?: string | Buffer; timeoutMs?: number; apiVersion?: string } = {}): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: this.host, DOCKER_CONFIG: this.dockerConfig };
      delete env.DOCKER_CONTEXT; delete env.DOCKER_API_VERSION; delete env.DOCKER_TLS_VERIFY;
      if (options.apiVersion) env.DOCKER_API_VERSION = options.apiVersion;
      const child = spawn('docker', args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = []; const err: Buffer[] = [];
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => err.push(d));
      const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`docker ${args.join(' ')} timed out`)); }, options.timeoutMs ?? 60_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
      });
      child.stdin.end(options.input);
    });
  }

  request(method: string, p: string, body?: unknown): Promise<HttpResult> {
    return this.requestRaw(method, p, body === undefined ? undefined : JSON.stringify(body));
  }

  /** A request with the body sent as given (malformed JSON, another Content-Type). */
  requestRaw(method: string, p: string, payload: string | undefined, contentType = 'application/json'): Promise<HttpResult> {
    return new Promise((resolve, reject) => {
      const req = http.request({
        socketPath: this.socket, method, path: p,
        headers: payload ? { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(payload) } : {},
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      });
      req.on('error', reject);
      req.end(payload);
    });
  }

  /**
   * A request answered by a hijacked stream (attach, exec start) with `Upgrade: tcp`. Resolves on the
   * 101 with the raw connection and the stream bytes that arrived with the response head.
   */
  hijack(p: string, body: unknown): Promise<HijackedStream> {
    const payload = JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = http.request({
        socketPath: this.socket, method: 'POST', path: p,
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload), Connection: 'Upgrade', Upgrade: 'tcp' },
      });
      req.on('upgrade', (res, socket: Socket, head: Buffer) => resolve(new HijackedStream(res.statusCode ?? 0, socket, head)));
      req.on('response', (res) => reject(new Error(`expected 101, got ${res.statusCode}`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** Removes the roots; containerd's mounts are gone once berthd stopped it. */
  cleanup(): void {
    spawnSync('ip', ['link', 'del', this.bridge.name]);
    spawnSync('sh', ['-c', `grep -o " ${this.root}[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l`]);
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

/** The raw side of a hijacked connection: everything read so far, and waits on it. */
export class HijackedStream {
  private data: Buffer;
  readonly ended: Promise<Buffer>;

  constructor(readonly status: number, readonly socket: Socket, head: Buffer) {
    this.data = head;
    socket.on('data', (c: Buffer) => { this.data = Buffer.concat([this.data, c]); });
    this.ended = new Promise((resolve) => socket.once('close', () => resolve(this.data)));
    socket.resume();
  }

  get received(): Buffer { return this.data; }

  /** Resolves once the text received so far matches `re`; rejects if the stream ends first. */
  until(re: RegExp): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        if (!re.test(this.data.toString())) return false;
        this.socket.off('data', onData);
        resolve(this.data.toString());
        return true;
      };
      const onData = (): void => { check(); };
      if (check()) return;
      this.socket.on('data', onData);
      void this.ended.then((d) => reject(new Error(`stream ended before ${re}: ${JSON.stringify(d.toString())}`)));
    });
  }
}

/** A python3 that can `import docker` (Debian's python3-docker), if there is one. */
export const dockerPy = ['/usr/bin/python3', 'python3'].find((py) => spawnSync(py, ['-c', 'import docker']).status === 0);

/**
 * A bridge name and subnets no other berthd on this machine uses: 10.<a>.<b>.1/24 for the default
 * bridge, 10.<a>.<b+2>.0/23 in /26s for user-defined networks (b is a multiple of 4).
 */
function uniqueBridge(): { name: string; bip: string; pool: string } {
  const routes = spawnSync('ip', ['-4', '-o', 'route', 'show']).stdout?.toString() ?? '';
  for (;;) {
    const a = 64 + Math.floor(Math.random() * 160);
    const b = Math.floor(Math.random() * 64) * 4;
    const taken = new RegExp(`^10\\.${a}\\.(${b}|${b + 1}|${b + 2}|${b + 3})\\.`, 'm');
    if (taken.test(routes)) continue;
    return { name: `bt${a}x${b}`, bip: `10.${a}.${b}.1/24`, pool: `base=10.${a}.${b + 2}.0/23,size=26` };
  }
}

export async function startBerthd(extraArgs: string[] = []): Promise<Berthd> {
  const root = fs.mkdtempSync(path.join('/tmp', 'bi-'));
  const d = new Berthd(root, extraArgs);
  await d.start();
  return d;
}

/**
 * Waits until the process `pid()` names catches SIGTERM (SigCgt bit 15). A container's PID 1 gets a
 * TERM only through a handler: sent before a shell's `trap … TERM` ran, the kernel drops it.
 */
export async function termTrapped(what: string, pid: () => Promise<string>): Promise<void> {
  await waitFor(`${what}'s TERM trap`, async () => {
    let status = '';
    try { status = fs.readFileSync(`/proc/${(await pid()).trim()}/status`, 'utf8'); } catch { return false; }
    const caught = /^SigCgt:\s*([0-9a-f]+)$/m.exec(status)?.[1] ?? '0';
    return (BigInt(`0x${caught}`) & (1n << 14n)) !== 0n;
  });
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Assertions on docker CLI calls against the berthd `get()` returns: `ok` must succeed (its stdout,
 * trimmed), `fails` must fail with stderr matching `message`.
 */
export function cliAsserts(get: () => Berthd): { ok(args: string[]): Promise<string>; fails(args: string[], message: RegExp): Promise<void> } {
  return {
    async ok(args) {
      const r = await get().docker(args);
      if (r.code !== 0) throw new Error(`docker ${args.join(' ')} exited ${r.code}: ${r.stderr}\n${get().logTail(10)}`);
      return r.stdout.trim();
    },
    async fails(args, message) {
      const r = await get().docker(args);
      if (r.code === 0) throw new Error(`docker ${args.join(' ')} should fail`);
      if (!message.test(r.stderr)) throw new Error(`docker ${args.join(' ')}: stderr ${JSON.stringify(r.stderr)} does not match ${message}`);
    },
  };
}

/** Test teardown: removes every container of `d` (forced), stops it and deletes its roots. */
export async function removeAllAndStop(d: Berthd | undefined): Promise<void> {
  if (!d) return;
  const all = (await d.docker(['ps', '-aq'])).stdout.split('\n').filter(Boolean);
  if (all.length) await d.docker(['rm', '-f', ...all]);
  await d.stop('SIGTERM');
  d.cleanup();
}
