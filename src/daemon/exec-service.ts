// Exec: extra processes in a running container (`docker exec`). Owns exec instances (in memory, as
// dockerd does: they do not survive a daemon restart), starts them through the runtime with their
// own FIFOs, streams their output to the client and records their exit code.
import { ProbeOutput } from '../health/health-state.js';
import { timeoutOutput } from '../health/health-monitor.js';
import { removeInBackground } from '../internal/background-remove.js';
import path from 'node:path';
import type { AttachIO, PreparedAttach } from '../api/routers/containers/backend.js';
import type { ExecBackend, ExecConfig, ExecInspect } from '../api/routers/exec/backend.js';
import { ConflictError, InvalidParameterError, NotFoundError } from '../errdefs/index.js';
import { DEFAULT_DETACH_KEYS, parseDetachKeys } from '../internal/detach-keys.js';
import { pumpOutput } from '../internal/stream-pumps.js';
import { Spans } from '../internal/spans.js';
import { generateId } from '../internal/ids.js';
import { effectiveCapabilities } from '../oci/capabilities.js';
import { mergeRlimits } from '../oci/resources.js';
import { parseSecurityOpt } from '../oci/security.js';
import type { OciProcess } from '../oci/spec.js';
import type { EventSink } from '../events/types.js';
import type { Runtime } from '../runtime/runtime.js';
import { copyClientStdin, type ClientStdinEnd } from './client-stdin.js';
import type { Container } from './container.js';
import { emitContainerEvent } from './container-event.js';
import type { FifosPort, TaskFifosPort } from './ports.js';
import { processEnv } from './process-env.js';
import { readRootfsFile } from './rootfs-files.js';
import { resolveUser } from './user-lookup.js';

interface ExecInstance {
  id: string;
  container: Container;
  config: ExecConfig;
  started: boolean;
  running: boolean;
  exitCode: number | null;
  pid: number;
}

export interface ExecServiceDeps {
  runtime: Runtime;
  fifos: FifosPort;
  getContainer(ref: string): Container;
  fifoDir(containerId: string): string;
  log(msg: string): void;
  /** debug-level timing of each exec's steps */
  trace?: (msg: string) => void;
  /** exec_create, exec_start and exec_die events (the event bus) */
  events?: EventSink;
}

const DRAIN_TIMEOUT_MS = 2000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class ExecService implements ExecBackend {
  private readonly execs = new Map<string, ExecInstance>();

  constructor(private readonly deps: ExecServiceDeps) {}

  private get(id: string): ExecInstance {
    const e = this.execs.get(id);
    if (!e) throw new NotFoundError(`No such exec instance: ${id}`);
    return e;
  }

  /** `ref`: dockerd names a paused container as the client did on exec create, by ID on exec start. */
  private checkRunning(c: Container, ref = c.id): void {
    if (c.record.state.status === 'paused') throw new ConflictError(`Container ${ref} is paused, unpause the container before exec`);
    if (c.record.state.status !== 'running') throw new ConflictError(`Container ${c.id} is not running`);
  }

  async execCreate(containerRef: string, config: ExecConfig): Promise<{ Id: string }> {
    const c = this.deps.getContainer(containerRef);
    this.checkRunning(c, containerRef);
    if (!config.Cmd || config.Cmd.length === 0) throw new InvalidParameterError('No exec command specified');
    if (config.DetachKeys) parseDetachKeys(config.DetachKeys);
    const id = generateId();
    this.execs.set(id, { id, container: c, config, started: false, running: false, exitCode: null, pid: 0 });
    c.execs.set(id, c.record.state.startedAt);
    this.emit(c, `exec_create: ${config.Cmd.join(' ')}`, { execID: id });
    return { Id: id };
  }

  private emit(c: Container, action: string, extra: Record<string, string>): void {
    emitContainerEvent(this.deps.events, c, action, extra);
  }

  async execStart(id: string, options: { detach: boolean }): Promise<PreparedAttach & { openStdin: boolean }> {
    const e = this.get(id);
    if (e.started) throw new ConflictError(`Error: Exec command ${id} is already running`);
    this.checkRunning(e.container);
    e.started = true;
    // The process gets a terminal by the create request's Tty alone (dockerd); the start request's
    // Tty only decides the stream's framing, which is the router's business.
    const tty = Boolean(e.config.Tty);
    const openStdin = Boolean(e.config.AttachStdin) && !options.detach;
    const logError = (err: unknown): void => this.deps.log(`exec ${id}: ${String(err)}`);
    return {
      tty,
      openStdin,
      run: async (io) => {
        const { finished, detached } = await this.launch(e, tty, openStdin, io);
        if (options.detach) {
          void finished.catch(logError);
          return;
        }
        // A client that detaches leaves the process running with its stdin open, as dockerd does.
        await Promise.race([finished, detached.then(() => { void finished.catch(logError); })]);
      },
    };
  }

  /**
   * Starts the process; `finished` resolves once it exited and its output was delivered, `detached`
   * (never otherwise) when the client's stream ended first (see client-stdin.ts): the process runs
   * on and its output is read and dropped, so that it never blocks on a full pipe.
   */
  private async launch(e: ExecInstance, tty: boolean, openStdin: boolean, io: AttachIO): Promise<{ finished: Promise<void>; detached: Promise<void> }> {
    const c = e.container;
    const cid = c.id;
    const dir = path.join(this.deps.fifoDir(cid), `exec-${e.id}`);
    const spans = new Spans(`exec ${e.id.slice(0, 12)}`);
    const fifos = await this.deps.fifos.create(dir, { stdin: openStdin, terminal: tty });
    spans.mark('fifos');
    try {
      const spec = await this.processSpec(e, tty);
      spans.mark('spec');
      let attached = true;
      const drained = Promise.all([
        this.pump(fifos.stdout, e.config.AttachStdout !== false && (() => attached), 'stdout', io),
        fifos.stderr ? this.pump(fifos.stderr, e.config.AttachStderr !== false && (() => attached), 'stderr', io) : Promise.resolve(),
      ]);
      await this.deps.runtime.exec(cid, e.id, spec, fifos.paths);
      spans.mark('exec');
      const { pid } = await this.deps.runtime.startTask(cid, e.id);
      spans.mark('start');
      e.running = true;
      e.pid = pid;
      this.emit(c, `exec_start: ${(e.config.Cmd ?? []).join(' ')}`, { execID: e.id });
      const stdin = openStdin ? io.stdin : undefined;
      const detached = new Promise<void>((resolve) => {
        if (!stdin || !fifos.stdin) return;
        void this.copyStdin(e, stdin, fifos.stdin, tty).then((end) => {
          if (end === 'detached') { attached = false; resolve(); }
        });
      });
      const finished = (async (): Promise<void> => {
        const { exitStatus } = await this.deps.runtime.waitTask(cid, e.id);
        spans.mark('ran');
        await Promise.race([drained, sleep(DRAIN_TIMEOUT_MS)]);
        spans.mark('drain');
        e.running = false;
        e.exitCode = exitStatus;
        this.cleanup(e, fifos, dir);
        this.emit(c, 'exec_die', { execID: e.id, exitCode: String(exitStatus) });
        spans.mark('cleanup');
        this.deps.trace?.(spans.toString());
      })();
      return { finished, detached };
    } catch (err) {
      this.cleanup(e, fifos, dir);
      e.exitCode = 126;
      const message = (err as Error).message;
      if (/executable file not found|no such file or directory/.test(message)) {
        e.exitCode = 127;
        throw new InvalidParameterError(message, { cause: err });
      }
      throw err;
    }
  }

  private cleanup(e: ExecInstance, fifos: TaskFifosPort, dir: string): void {
    e.container.execs.delete(e.id);
    fifos.close();
    void this.deps.runtime.deleteProcess(e.container.id, e.id).catch(() => undefined);
    removeInBackground(dir, path.join(path.dirname(this.deps.fifoDir(e.container.id)), '.trash'));
  }

  /** `wanted`: false, or whether the client still takes this stream's output. */
  private pump(sock: NonNullable<TaskFifosPort['stderr']>, wanted: false | (() => boolean), stream: 'stdout' | 'stderr', io: AttachIO): Promise<void> {
    return pumpOutput(sock, (chunk) => (!wanted || !wanted() || io.output(stream, chunk) ? undefined : io.drained()));
  }

  /** Client stdin into the process; an exec closes stdin on the client's EOF (dockerd's CloseStdin). */
  private copyStdin(e: ExecInstance, stdin: AsyncIterable<Buffer>, w: NonNullable<TaskFifosPort['stdin']>, tty: boolean): Promise<ClientStdinEnd> {
    return copyClientStdin(stdin, {
      target: async () => w, tty, closeOnEof: true,
      detachKeys: tty ? parseDetachKeys(e.config.DetachKeys || DEFAULT_DETACH_KEYS) : Buffer.alloc(0),
      closeIO: () => this.deps.runtime.closeStdin(e.container.id, e.id).catch(() => undefined),
    });
  }

  private async processSpec(e: ExecInstance, tty: boolean): Promise<OciProcess> {
    const rec = e.container.record;
    e.container.rootfsMounts ??= await this.deps.runtime.snapshots.mounts(rec.snapshotKey);
    const mounts = e.container.rootfsMounts;
    const passwd = readRootfsFile(mounts, 'etc/passwd')?.toString('utf8');
    const group = readRootfsFile(mounts, 'etc/group')?.toString('utf8');
    const user = resolveUser(e.config.User || rec.config.User || '', passwd, group);
    const env = processEnv([...(rec.linkEnv ?? []), ...(rec.config.Env ?? []), ...(e.config.Env ?? [])], rec.config.Hostname ?? '', tty, user.home);
    // As dockerd: the exec process gets the container's capabilities, no-new-privileges and
    // ulimits; a privileged exec gets every capability.
    const hc = rec.hostConfig;
    const caps = effectiveCapabilities(hc.CapAdd, hc.CapDrop, Boolean(hc.Privileged || e.config.Privileged));
    const rlimits = mergeRlimits([], hc.Ulimits);
    const size = e.config.ConsoleSize;
    return {
      terminal: tty,
      ...(tty ? { consoleSize: size && size[0] && size[1] ? { height: size[0], width: size[1] } : { height: 24, width: 80 } } : {}),
      user: { uid: user.uid, gid: user.gid, ...(user.additionalGids.length ? { additionalGids: user.additionalGids } : {}) },
      args: e.config.Cmd ?? [],
      env,
      cwd: e.config.WorkingDir || rec.config.WorkingDir || '/',
      capabilities: { bounding: caps, effective: [...caps], permitted: [...caps] },
      ...(rlimits.length ? { rlimits } : {}),
      ...(parseSecurityOpt(hc.SecurityOpt).noNewPrivileges ? { noNewPrivileges: true } : {}),
    };
  }

  /**
   * Runs `cmd` in the container to its end, as dockerd runs a health probe: an exec (with its
   * events and its place in ExecIDs) whose stdout and stderr are collected (the first 4096 bytes);
   * past `timeoutMs` it is killed and the result is exit code -1 with dockerd's text.
   */
  async runProbe(containerId: string, cmd: string[], timeoutMs: number): Promise<{ exitCode: number; output: string }> {
    const { Id } = await this.execCreate(containerId, { Cmd: cmd, AttachStdout: true, AttachStderr: true });
    try {
      const e = this.get(Id);
      const prepared = await this.execStart(Id, { detach: false });
      const output = new ProbeOutput();
      const abort = new AbortController();
      const io: AttachIO = { output: (_s, data) => { output.write(data); return true; }, drained: async () => undefined, signal: abort.signal };
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => { timer = setTimeout(() => resolve('late'), timeoutMs); });
      const finished = prepared.run(io);
      let outcome: 'done' | 'late';
      try {
        outcome = await Promise.race([finished.then(() => 'done' as const), late]);
      } finally {
        clearTimeout(timer);
      }
      if (outcome === 'late') {
        await this.deps.runtime.killTask(containerId, 9, { execId: Id }).catch(() => undefined);
        abort.abort();
        await finished.catch(() => undefined);
        return { exitCode: -1, output: timeoutOutput(timeoutMs) };
      }
      return { exitCode: e.exitCode ?? -1, output: output.toString() };
    } finally {
      this.execs.delete(Id);
    }
  }

  async execInspect(id: string): Promise<ExecInspect> {
    const e = this.get(id);
    const cmd = e.config.Cmd ?? [];
    return {
      CanRemove: false,
      ContainerID: e.container.id,
      DetachKeys: e.config.DetachKeys ?? '',
      ExitCode: e.exitCode,
      ID: e.id,
      OpenStderr: Boolean(e.config.AttachStderr),
      OpenStdin: Boolean(e.config.AttachStdin),
      OpenStdout: Boolean(e.config.AttachStdout),
      // dockerd's ExecProcessConfig, in its field order; `user,omitempty`
      ProcessConfig: {
        tty: Boolean(e.config.Tty), entrypoint: cmd[0] ?? '', arguments: cmd.slice(1), privileged: Boolean(e.config.Privileged),
        ...(e.config.User ? { user: e.config.User } : {}),
      },
      Running: e.running,
      Pid: e.pid,
    };
  }

  async execResize(id: string, height: number, width: number): Promise<void> {
    const e = this.get(id);
    if (!e.running) throw new ConflictError(`Exec ${id} is not running`);
    if (height > 0 && width > 0) await this.deps.runtime.resizePty(e.container.id, e.id, width, height);
  }
}
