// ManagedContainerd: berthd's own containerd, as dockerd runs its own. Config, root and state live
// under Berth's data/exec roots, so it never touches a system containerd and two instances with
// different roots run side by side. Containers outlive it (their shims are separate processes), so
// a containerd left behind by a berthd killed with -9 is simply stopped and replaced on next start.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ContainerdRuntime } from './client.js';

/**
 * Go's GC target for the managed containerd, unless berthd's own environment sets GOGC. At Go's
 * default (100) the garbage of an image load stays until Go's forced GC two minutes later: containerd
 * idles at 42–43 MiB RSS after loading busybox against 37–38 with 25 (37–38 before the load either
 * way; pairs measured side by side). `run --rm` took as long either way (3 interleaved bench pairs).
 * The shims, which inherit containerd's environment, get Go's default back from the shim front
 * (selection/shim-front.ts), told by MANAGED_GOGC_MARK that the GOGC they see is this one: with
 * GOGC=25 there a start took about 8 % longer.
 */
const MANAGED_GOGC = '25';
/** Set in the managed containerd's environment when its GOGC is berthd's choice, not the user's. */
export const MANAGED_GOGC_MARK = 'BERTH_MANAGED_GOGC';

export interface ManagedContainerdOptions {
  dataRoot: string;
  execRoot: string;
  /** containerd binary (looked up on PATH when not absolute) */
  binary?: string;
  logLevel?: 'trace' | 'debug' | 'info' | 'warn' | 'error';
  /** supervisor notes (started, exited, restarting); containerd's own output goes to `logPath` */
  onLog?: (message: string) => void;
  /** how long start() waits for the gRPC API to answer */
  startTimeoutMs?: number;
}

const STOP_GRACE_MS = 10_000;
const STALE_GRACE_MS = 5_000;
const RESTART_MIN_MS = 200;
const RESTART_MAX_MS = 10_000;
/** a containerd that stayed up this long resets the restart backoff */
const STABLE_AFTER_MS = 30_000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function toml(value: string): string {
  // a TOML basic string accepts JSON's escapes
  return JSON.stringify(value);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (!isAlive(pid)) return true;
    await sleep(50);
  }
  return !isAlive(pid);
}

export class ManagedContainerd {
  readonly stateDir: string;
  readonly configPath: string;
  readonly pidPath: string;
  readonly logPath: string;
  private readonly binary: string;
  private readonly logLevel: string;
  private readonly onLog: (message: string) => void;
  private readonly startTimeoutMs: number;
  private child: ChildProcess | undefined;
  private exited: Promise<void> | undefined;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private restartBackoff = RESTART_MIN_MS;

  constructor(private readonly options: ManagedContainerdOptions) {
    this.stateDir = path.join(options.execRoot, 'containerd');
    this.configPath = path.join(this.stateDir, 'containerd.toml');
    this.pidPath = path.join(this.stateDir, 'containerd.pid');
    this.logPath = path.join(this.stateDir, 'containerd.log');
    this.binary = options.binary ?? 'containerd';
    this.logLevel = options.logLevel ?? 'info';
    this.onLog = options.onLog ?? (() => undefined);
    this.startTimeoutMs = options.startTimeoutMs ?? 20_000;
  }

  /** containerd's gRPC socket path */
  get address(): string {
    return path.join(this.stateDir, 'containerd.sock');
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  configText(): string {
    const root = path.join(this.options.dataRoot, 'containerd');
    return [
      'version = 2',
      `root = ${toml(root)}`,
      `state = ${toml(path.join(this.stateDir, 'state'))}`,
      // Berth is not a Kubernetes node; CRI would also grab its own ports and CNI dirs
      'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
      '',
      '[grpc]',
      `  address = ${toml(this.address)}`,
      '',
      '[ttrpc]',
      `  address = ${toml(path.join(this.stateDir, 'containerd.sock.ttrpc'))}`,
      '',
      '[debug]',
      '  address = ""',
      `  level = ${toml(this.logLevel)}`,
      '',
      '[metrics]',
      '  address = ""',
      '',
      '[plugins."io.containerd.internal.v1.opt"]',
      `  path = ${toml(path.join(root, 'opt'))}`,
      '',
    ].join('\n');
  }

  async start(): Promise<void> {
    this.stopping = false;
    fs.mkdirSync(this.stateDir, { recursive: true, mode: 0o711 });
    fs.mkdirSync(path.join(this.options.dataRoot, 'containerd'), { recursive: true, mode: 0o711 });
    fs.writeFileSync(this.configPath, this.configText(), { mode: 0o644 });
    await this.killStale();
    // a socket left by a killed containerd would make its listen() fail
    fs.rmSync(this.address, { force: true });
    fs.rmSync(`${this.address}.ttrpc`, { force: true });
    this.spawnOnce();
    try {
      await this.waitReady();
    } catch (err) {
      // no half-started containerd (and no restart loop) behind a failed start
      await this.stop().catch(() => undefined);
      throw err;
    }
  }

  /** SIGTERM, then SIGKILL after 10 s. Running containers keep running (their shims stay). */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    const child = this.child;
    const exited = this.exited;
    if (!child || !exited || child.exitCode !== null || child.signalCode !== null) {
      fs.rmSync(this.pidPath, { force: true });
      return;
    }
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const gone = await Promise.race([
      exited.then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), STOP_GRACE_MS))),
    ]);
    clearTimeout(timer);
    if (!gone) {
      this.onLog(`pid ${child.pid} did not stop within ${STOP_GRACE_MS / 1000}s; sending SIGKILL`);
      child.kill('SIGKILL');
      await exited;
    }
    fs.rmSync(this.pidPath, { force: true });
  }

  /** The last lines of containerd's log, for error messages. */
  logTail(lines = 20): string {
    try {
      const text = fs.readFileSync(this.logPath, 'utf8');
      return text.trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  /**
   * Stops a containerd recorded in our pid file (berthd was killed without stopping it). The pid is
   * only trusted if /proc says it is a containerd running our config: pids get reused.
   */
  private async killStale(): Promise<void> {
    let pid: number;
    try {
      pid = Number.parseInt(fs.readFileSync(this.pidPath, 'utf8').trim(), 10);
    } catch {
      return;
    }
    if (!Number.isInteger(pid) || pid <= 1 || !isAlive(pid)) return;
    let cmdline = '';
    try {
      cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
    } catch {
      return;
    }
    if (!cmdline.includes('containerd') || !cmdline.includes(this.configPath)) return;
    this.onLog(`stopping stale containerd pid ${pid}`);
    process.kill(pid, 'SIGTERM');
    if (!(await waitGone(pid, STALE_GRACE_MS))) {
      this.onLog(`stale containerd pid ${pid} ignored SIGTERM; sending SIGKILL`);
      process.kill(pid, 'SIGKILL');
      await waitGone(pid, STALE_GRACE_MS);
    }
  }

  private spawnOnce(): void {
    const log = fs.openSync(this.logPath, 'a', 0o640);
    let child: ChildProcess;
    try {
      // The log file is containerd's stdout/stderr directly (not a pipe through us), so its output
      // is never lost or blocked when berthd is busy or gone. detached: its own process group, so a
      // Ctrl-C meant for berthd does not kill it before berthd's orderly shutdown.
      const [command, args] = this.commandLine();
      child = spawn(command, args, {
        stdio: ['ignore', log, log],
        detached: true,
        env: process.env.GOGC !== undefined ? process.env : { ...process.env, GOGC: MANAGED_GOGC, [MANAGED_GOGC_MARK]: '1' },
      });
    } finally {
      fs.closeSync(log);
    }
    this.child = child;
    const startedAt = Date.now();
    this.exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        resolve();
        if (this.child === child) this.onExit(code, signal, Date.now() - startedAt);
      });
      child.once('error', (err) => {
        // spawn failure (e.g. binary not found): 'exit' does not follow
        this.onLog(`cannot run ${this.binary}: ${err.message}`);
        resolve();
      });
    });
    if (child.pid !== undefined) {
      fs.writeFileSync(this.pidPath, `${child.pid}\n`);
      this.onLog(`started pid ${child.pid} (config ${this.configPath})`);
    }
  }

  /** containerd's command line */
  commandLine(): [string, string[]] {
    return [this.binary, ['--config', this.configPath]];
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null, upMs: number): void {
    if (this.stopping) return;
    if (upMs > STABLE_AFTER_MS) this.restartBackoff = RESTART_MIN_MS;
    const delay = this.restartBackoff;
    this.restartBackoff = Math.min(this.restartBackoff * 2, RESTART_MAX_MS);
    this.onLog(`exited unexpectedly (${signal ?? `code ${code}`}); restarting in ${delay} ms`);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.stopping) return;
      fs.rmSync(this.address, { force: true });
      this.spawnOnce();
    }, delay);
  }

  private async waitReady(): Promise<void> {
    const client = new ContainerdRuntime({ address: this.address, namespace: 'default' });
    const deadline = Date.now() + this.startTimeoutMs;
    let lastError: unknown;
    try {
      while (Date.now() < deadline) {
        const child = this.child;
        if (!child || child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
          throw new Error(`containerd exited during startup (log ${this.logPath}):\n${this.logTail()}`);
        }
        if (fs.existsSync(this.address)) {
          try {
            const v = await client.version();
            this.onLog(`ready: containerd ${v.version} at ${this.address}`);
            return;
          } catch (err) {
            lastError = err;
          }
        }
        await sleep(100);
      }
    } finally {
      client.close();
    }
    const reason = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
    throw new Error(
      `containerd did not answer on ${this.address} within ${this.startTimeoutMs / 1000}s${reason}; log ${this.logPath}:\n${this.logTail()}`,
    );
  }
}
