// The Daemon: owns containers and their lifecycle on top of the Runtime, and implements the
// backends of the containers and system routers. Container start/exit/restore live here; image,
// log and FIFO details are behind ports (ports.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {
  AttachOptions, ContainerBackend, ContainerCreateResult, ContainerInspect, ContainerListOptions,
  ContainerSummary, LogEntry, LogsOptions, PreparedAttach, WaitResponse,
} from '../api/routers/containers/backend.js';
import type { ContainerLifecycleBackend } from '../api/routers/containers/lifecycle-backend.js';
import type { InfoResult, SystemBackend, VersionResult } from '../api/routers/system/backend.js';
import type { ContainerConfig, ContainerCreateBody, HostConfig } from '../api/types/container.js';
import type { ContainerUpdateBody } from '../api/types/host-config.js';
import {
  ConflictError, InvalidParameterError, NotFoundError, NotImplementedError, NotModifiedError, SystemError, withPrefix,
} from '../errdefs/index.js';
import { DEFAULT_DETACH_KEYS, parseDetachKeys } from '../internal/detach-keys.js';
import { pumpOutput } from '../internal/stream-pumps.js';
import { generateId } from '../internal/ids.js';
import { Spans } from '../internal/spans.js';
import { resolveLogConfig, type LogDriverName, type LogDriverSettings } from '../logger/log-config.js';
import { formatRfc3339NanoFixed, parseRfc3339Nano } from '../logger/rfc3339-nano.js';
import { parseSignal } from '../internal/signals.js';
import { MAX_API_VERSION, MIN_API_VERSION } from '../internal/version.js';
import {
  buildSpec, withBindFile, withCgroupsPath, withCwd, withEnv, withHostname, withProcessArgs, withTerminal, withUser,
} from '../oci/spec.js';
import type { Runtime, RuntimeEvent } from '../runtime/runtime.js';
import { copyClientStdin } from './client-stdin.js';
import { Container, ZERO_TIME, type ContainerRecord, type WaitCondition } from './container.js';
import { writeContainerFiles } from './container-files.js';
import { ContainerStore } from './container-store.js';
import { commandLine, mergeImageConfig } from './image-config.js';
import { processEnv } from './process-env.js';
import { validateName, generateName } from './names.js';
import type { ContainerSizePort, FifosPort, ImagesPort, LogsPort, LogWriterPort, TaskFifosPort } from './ports.js';
import { readRootfsFile } from './rootfs-files.js';
import { resolveUser } from './user-lookup.js';
import { containerInspect, containerSummary } from './views.js';
import { selectContainers } from './container-list.js';
import { prunePredicate } from './container-prune.js';
import { containerTop, type TopResult } from './container-top.js';
import { policyWantsRestart, RestartManager } from './restart-manager.js';
import { probeCgroups, type CgroupInfo } from './cgroup-info.js';
import { hostConfigSpecOptions, kernelSupportsSeccomp } from './container-spec.js';
import { mergeUpdate, validateUpdate } from './container-update.js';
import { checkCreateBodyTypes } from '../api/types/create-body.js';
import { validateCreate, validateLogConfig, validateRestartPolicy } from './create-validation.js';
import { linuxResources } from '../oci/resources.js';
import { mountShm, shmPath, unmountShm } from './shm-mount.js';

export interface DaemonConfig {
  dataRoot: string;
  execRoot: string;
  runtimeName: string;
  serverVersion: string;
  log: (msg: string) => void;
  /** debug-level timing of lifecycle steps */
  trace?: (msg: string) => void;
}

interface RunningIO {
  fifos: TaskFifosPort;
  writer: LogWriterPort;
  drained: Promise<void>;
}

const DRAIN_TIMEOUT_MS = 2000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class Daemon implements ContainerBackend, ContainerLifecycleBackend, SystemBackend {
  private readonly store: ContainerStore;
  private readonly io = new Map<string, RunningIO>();
  private readonly exitsInProgress = new Map<string, Promise<void>>();
  /** starts in flight: an exit that arrives before start() has recorded `running` waits for it */
  private readonly starting = new Map<string, Promise<void>>();
  /** containers being restarted by `docker restart`: their exit must not AutoRemove them */
  private readonly manualRestarts = new Set<string>();
  private unsubscribe: (() => void) | undefined;
  private engineId = '';
  private shuttingDown = false;
  private containerdVersion = { version: '', revision: '' };
  private sizeOf: ContainerSizePort | undefined;
  private cgroupInfo: CgroupInfo | undefined;

  constructor(
    private readonly config: DaemonConfig,
    private readonly runtime: Runtime,
    private readonly images: ImagesPort,
    private readonly logs: LogsPort,
    private readonly fifos: FifosPort,
  ) {
    this.store = new ContainerStore(path.join(config.dataRoot, 'containers'));
  }

  private get cgroups(): CgroupInfo {
    this.cgroupInfo ??= probeCgroups();
    return this.cgroupInfo;
  }

  private fifoDir(id: string): string {
    return path.join(this.config.execRoot, 'containers', id);
  }

  /** Loads persisted containers and reconciles them with the runtime. */
  async init(): Promise<void> {
    this.engineId = this.loadEngineId();
    this.containerdVersion = await this.runtime.version();
    this.unsubscribe = this.runtime.subscribe((e) => this.onRuntimeEvent(e), () => void this.reconcile());
    const containers = this.store.loadAll(this.config.log);
    await Promise.all(containers.map((c) => this.restore(c).catch((err: unknown) => {
      this.config.log(`restore of ${c.id} failed: ${(err as Error).message}`);
    })));
    await this.afterRestore(containers);
  }

  /**
   * As dockerd after a restart: stopped AutoRemove containers go, and containers whose restart
   * policy wants them (e.g. `always`, `unless-stopped` not stopped by the user) start again.
   */
  private async afterRestore(containers: Container[]): Promise<void> {
    await Promise.all(containers.map(async (c) => {
      try {
        if (c.runningOrRestarting || c.removed) return;
        if (c.record.hostConfig.AutoRemove && c.record.hasBeenStartedBefore) { await this.removeStopped(c); return; }
        const s = c.record.state;
        if (!c.record.hasBeenStartedBefore || (s.status !== 'exited' && s.status !== 'created')) return;
        if (!policyWantsRestart(c.record.hostConfig.RestartPolicy, s.exitCode, c.record.hasBeenManuallyStopped, c.record.restartCount)) return;
        await c.exclusive(async () => {
          this.resetRestartManager(c);
          await this.startContainer(c);
        });
        this.config.log(`restarted ${c.id} (restart policy ${c.record.hostConfig.RestartPolicy?.Name ?? ''})`);
      } catch (err) {
        this.config.log(`start of ${c.id} after restore failed: ${(err as Error).message}`);
      }
    }));
  }

  private loadEngineId(): string {
    const file = path.join(this.config.dataRoot, 'engine-id');
    try {
      const id = fs.readFileSync(file, 'utf8').trim();
      if (id) return id;
    } catch { /* first start */ }
    const id = crypto.randomUUID();
    fs.writeFileSync(file, id + '\n', { mode: 0o600 });
    return id;
  }

  private async restore(c: Container): Promise<void> {
    const s = c.record.state;
    if (s.status === 'restarting') {
      // A restart was pending when berthd went away: afterRestore decides again.
      s.status = 'exited';
      this.store.save(c);
      return;
    }
    if (s.status !== 'running' && s.status !== 'paused') {
      if (s.status === 'removing') s.status = 'dead';
      return;
    }
    const task = await this.runtime.getTask(c.id);
    if (task && (task.status === 'running' || task.status === 'paused' || task.status === 'pausing')) {
      const fifos = await this.fifos.reopen({ stdin: task.stdin, stdout: task.stdout, stderr: task.stderr, terminal: task.terminal });
      this.attachIO(c, fifos);
      c.streams.setStdin(fifos.stdin);
      c.record.state.pid = task.pid;
      c.record.state.status = task.status === 'running' ? 'running' : 'paused';
      this.store.save(c);
      this.config.log(`restored running container ${c.id}`);
      return;
    }
    // It exited while berthd was away: record its real exit status when containerd still has it.
    const exit = task ? await this.runtime.deleteTask(c.id) : undefined;
    await this.finishExit(c, exit?.exitStatus ?? 255, exit?.exitedAt ?? new Date(), { restoring: true });
  }

  /** After a containerd restart: exits we missed are found by asking for every running task. */
  private async reconcile(): Promise<void> {
    const tasks = new Map((await this.runtime.listTasks().catch(() => [])).map((t) => [t.containerId, t]));
    for (const c of this.store.list()) {
      if (!c.running) continue;
      const t = tasks.get(c.id);
      if (!t || t.status === 'stopped') void this.handleExit(c.id, t?.exitStatus ?? 255, new Date());
    }
  }

  private onRuntimeEvent(e: RuntimeEvent): void {
    if (e.type === 'exit') {
      const { containerId, execId } = e.event;
      if (execId && execId !== containerId) return; // exec processes: streams issue
      void this.handleExit(containerId, e.event.exitStatus, e.event.exitedAt);
    } else if (e.type === 'oom') {
      const c = this.tryGet(e.containerId);
      if (c) c.record.state.oomKilled = true;
    }
  }

  /** For the exec service: a container by ID, name or prefix (404 otherwise). */
  getContainer(ref: string): Container {
    return this.store.get(ref);
  }

  /** Every container (for image usage: rmi conflicts, prune, df). */
  allContainers(): Container[] {
    return this.store.list();
  }

  /** Wiring: how `size=1` measures a container. */
  setSizeProvider(sizeOf: ContainerSizePort): void {
    this.sizeOf = sizeOf;
  }

  fifoDirOf(id: string): string {
    return this.fifoDir(id);
  }

  private tryGet(id: string): Container | undefined {
    try { return this.store.get(id); } catch { return undefined; }
  }

  private handleExit(id: string, exitStatus: number, exitedAt: Date): Promise<void> {
    const c = this.tryGet(id);
    if (!c || !this.io.has(id)) return this.exitsInProgress.get(id) ?? Promise.resolve();
    const existing = this.exitsInProgress.get(id);
    if (existing) return existing;
    const p = this.finishExit(c, exitStatus, exitedAt).finally(() => this.exitsInProgress.delete(id));
    this.exitsInProgress.set(id, p);
    return p;
  }

  /**
   * Drains output, releases the task, records the exit and applies the restart policy or AutoRemove
   * (not while restoring: afterRestore does that once every container is known).
   */
  private async finishExit(c: Container, exitStatus: number, exitedAt: Date, options: { restoring?: boolean } = {}): Promise<void> {
    const spans = new Spans(`exit ${c.id.slice(0, 12)}`);
    await this.starting.get(c.id);
    const io = this.io.get(c.id);
    if (io) {
      await Promise.race([io.drained, sleep(DRAIN_TIMEOUT_MS)]);
      spans.mark('drain');
      this.io.delete(c.id);
      await io.writer.close().catch(() => undefined);
      io.fifos.close();
      spans.mark('log-close');
    }
    const deleted = await this.runtime.deleteTask(c.id).catch(() => undefined);
    unmountShm(this.store.dir(c.id));
    spans.mark('delete-task');
    await this.runtime.deleteContainer(c.id).catch((err: unknown) => this.config.log(`delete containerd container ${c.id}: ${String(err)}`));
    spans.mark('delete-container');
    fs.rmSync(this.fifoDir(c.id), { recursive: true, force: true });
    c.streams.setStdin(undefined);
    const exitCode = deleted?.exitStatus ?? exitStatus;
    const finished = deleted?.exitedAt && deleted.exitedAt.getTime() > 0 ? deleted.exitedAt : exitedAt;
    const decision = this.shuttingDown || options.restoring
      ? { restart: false as const }
      : this.restartManagerOf(c).shouldRestart(exitCode, c.record.hasBeenManuallyStopped, finished.getTime() - Date.parse(c.record.state.startedAt));
    if (decision.restart) c.record.restartCount++;
    c.record.state = {
      ...c.record.state,
      status: decision.restart ? 'restarting' : 'exited',
      pid: 0,
      exitCode,
      finishedAt: finished.toISOString(),
    };
    this.store.save(c);
    spans.mark('save');
    this.config.trace?.(spans.toString());
    c.streams.endAll();
    c.notifyExit();
    c.stopping = false;
    if (decision.restart) {
      void this.restartAfter(c, decision.delayMs);
    } else if (c.record.hostConfig.AutoRemove && !this.shuttingDown && !options.restoring && !this.manualRestarts.has(c.id)) {
      await this.removeStopped(c).catch((err: unknown) => this.config.log(`auto-remove ${c.id}: ${String(err)}`));
    }
  }

  private restartManagerOf(c: Container): RestartManager {
    c.restartManager ??= new RestartManager(c.record.hostConfig.RestartPolicy, c.record.restartCount);
    return c.restartManager;
  }

  /** A manual start begins a new run sequence: pending restarts end and RestartCount is 0 again. */
  private resetRestartManager(c: Container): void {
    c.restartManager?.cancel();
    c.restartManager = undefined;
    c.record.restartCount = 0;
    c.record.hasBeenManuallyStopped = false;
  }

  /** Ends a pending restart (manual stop, kill, removal): the container is stopped for good. */
  private cancelRestart(c: Container): void {
    this.restartManagerOf(c).cancel();
    if (c.record.state.status !== 'restarting') return;
    c.record.state.status = 'exited';
    this.store.save(c);
    c.notifyExit();
  }

  private async restartAfter(c: Container, delayMs: number): Promise<void> {
    const manager = this.restartManagerOf(c);
    const go = await manager.wait(delayMs);
    if (!go || c.removed || this.shuttingDown || c.record.state.status !== 'restarting') return;
    await c.exclusive(async () => {
      if (c.record.state.status !== 'restarting' || manager.isCanceled) return;
      await this.startContainer(c);
    }).catch((err: unknown) => {
      this.config.log(`restart of ${c.id} failed: ${(err as Error).message}`);
    });
  }

  // ---- create ----

  async containerCreate(name: string | undefined, body: ContainerCreateBody): Promise<ContainerCreateResult> {
    const { HostConfig: hostConfigIn, NetworkingConfig: _net, ...configIn } = body;
    void _net;
    const hostConfig: HostConfig = { ...(hostConfigIn ?? {}) };
    if (!configIn.Image) throw new InvalidParameterError('No image specified'); // dockerd: config.Image required
    const cleanName = name !== undefined ? validateName(name) : undefined;
    const warnings = validateCreate(configIn, hostConfig, this.cgroups);
    const spans = new Spans('create');
    const image = this.images.resolveForContainer(configIn.Image);
    const merged = mergeImageConfig(configIn, image.config);
    const argv = commandLine(merged);
    if (argv.length === 0) throw new InvalidParameterError('No command specified');
    const logSettings = logSettingsFor(hostConfig, merged);

    const id = generateId();
    const finalName = cleanName ?? generateName((n) => this.store.hasName(n));
    this.store.reserveName(finalName, id);
    try {
      if (!merged.Hostname) merged.Hostname = id.slice(0, 12);
      const dir = this.store.dir(id);
      fs.mkdirSync(dir, { recursive: true, mode: 0o710 });
      spans.mark('validate');
      await this.runtime.snapshots.prepare(id, image.topChainId || undefined, {
        'containerd.io/gc.root': new Date().toISOString(),
      });
      spans.mark('snapshot');
      const record: ContainerRecord = {
        id,
        name: finalName,
        created: new Date().toISOString(),
        path: argv[0]!,
        args: argv.slice(1),
        config: { ...merged, Image: configIn.Image },
        hostConfig,
        image: image.id,
        state: { status: 'created', pid: 0, exitCode: 0, error: '', oomKilled: false, startedAt: ZERO_TIME, finishedAt: ZERO_TIME },
        restartCount: 0,
        hasBeenStartedBefore: false,
        hasBeenManuallyStopped: false,
        snapshotKey: id,
        logPath: logFilePath(dir, id, logSettings.driver),
        hostnamePath: path.join(dir, 'hostname'),
        hostsPath: path.join(dir, 'hosts'),
        resolvConfPath: path.join(dir, 'resolv.conf'),
      };
      writeContainerFiles({ hostname: record.hostnamePath, hosts: record.hostsPath, resolv: record.resolvConfPath },
        merged.Hostname, merged.Domainname ?? '', hostConfig);
      this.store.add(new Container(record));
      spans.mark('files+save');
      this.config.trace?.(spans.toString());
    } catch (err) {
      this.store.releaseName(finalName);
      await this.runtime.snapshots.remove(id).catch(() => undefined);
      fs.rmSync(this.store.dir(id), { recursive: true, force: true });
      throw err;
    }
    return { Id: id, Warnings: warnings };
  }

  // ---- start ----

  async containerStart(ref: string, legacyHostConfig?: HostConfig): Promise<void> {
    const c = this.store.get(ref);
    let startFailed = false;
    await c.exclusive(async () => {
      const status = c.record.state.status;
      if (status === 'paused') throw new ConflictError('cannot start a paused container, try unpause instead');
      if (status === 'running' || status === 'restarting') throw new NotModifiedError('container already started');
      if (status === 'removing' || status === 'dead' || c.removed) throw new ConflictError('container is marked for removal and cannot be started');
      if (legacyHostConfig && Object.keys(legacyHostConfig).length > 0) {
        checkCreateBodyTypes({ HostConfig: legacyHostConfig }, 'HostConfig');
        validateRestartPolicy(legacyHostConfig);
        validateLogConfig(legacyHostConfig);
        c.record.hostConfig = { ...c.record.hostConfig, ...legacyHostConfig };
      }
      this.resetRestartManager(c);
      try {
        await this.startContainer(c);
      } catch (err) {
        startFailed = true;
        throw err;
      }
    }).catch(async (err: unknown) => {
      // As dockerd: an AutoRemove container whose start fails is removed (the CLI waits for it);
      // a refused request (bad body, wrong state) leaves it alone.
      if (startFailed && c.record.hostConfig.AutoRemove && !c.running && !c.removed) {
        await this.removeStopped(c).catch((e: unknown) => this.config.log(`auto-remove ${c.id}: ${String(e)}`));
      }
      throw err;
    });
  }

  private async startContainer(c: Container): Promise<void> {
    let done = (): void => undefined;
    this.starting.set(c.id, new Promise<void>((r) => { done = r; }));
    try {
      await this.doStartContainer(c);
    } finally {
      this.starting.delete(c.id);
      done();
    }
  }

  private async doStartContainer(c: Container): Promise<void> {
    const rec = c.record;
    const cfg = rec.config;
    const spans = new Spans(`start ${rec.id.slice(0, 12)}`);
    const mounts = await this.runtime.snapshots.mounts(rec.snapshotKey);
    spans.mark('mounts');
    let fifos: TaskFifosPort | undefined;
    try {
      const passwd = readRootfsFile(mounts, 'etc/passwd')?.toString('utf8');
      const group = readRootfsFile(mounts, 'etc/group')?.toString('utf8');
      const user = resolveUser(cfg.User ?? '', passwd, group, (rec.hostConfig.GroupAdd as string[] | undefined) ?? []);
      const env = processEnv(cfg.Env ?? [], cfg.Hostname ?? '', Boolean(cfg.Tty), user.home);
      const spec = buildSpec([
        withProcessArgs([rec.path, ...rec.args]),
        withEnv(env),
        withCwd(cfg.WorkingDir || '/'),
        withUser(user.uid, user.gid, user.additionalGids),
        withTerminal(Boolean(cfg.Tty), consoleSize(rec.hostConfig.ConsoleSize)),
        withHostname(cfg.Hostname ?? '', cfg.Domainname ?? ''),
        withBindFile('/etc/hostname', rec.hostnamePath),
        withBindFile('/etc/hosts', rec.hostsPath),
        withBindFile('/etc/resolv.conf', rec.resolvConfPath),
        withCgroupsPath(`/berth/${rec.id}`),
        ...hostConfigSpecOptions(rec.hostConfig, {
          peer: (ref) => {
            const p = this.store.get(ref);
            return {
              id: p.id, running: p.running, pid: p.record.state.pid, ipcMode: p.record.hostConfig.IpcMode ?? '',
              shmPath: shmPath(this.store.dir(p.id)),
            };
          },
          mountShareableShm: (size) => mountShm(this.store.dir(rec.id), size),
          seccompSupported: kernelSupportsSeccomp(),
        }),
      ]);
      spans.mark('spec');
      // Leftovers of a previous run (e.g. berthd died between exit and cleanup).
      await this.runtime.deleteTask(rec.id).catch(() => undefined);
      await this.runtime.deleteContainer(rec.id);
      spans.mark('stale-cleanup');
      await this.runtime.createContainer({
        id: rec.id, image: cfg.Image ?? '', labels: { 'com.berth.container': 'true' }, spec, snapshotKey: rec.snapshotKey,
        runtime: this.config.runtimeName,
      });
      spans.mark('create-container');
      const dir = this.fifoDir(rec.id);
      fs.rmSync(dir, { recursive: true, force: true });
      fifos = await this.fifos.create(dir, { stdin: Boolean(cfg.OpenStdin), terminal: Boolean(cfg.Tty) });
      this.attachIO(c, fifos);
      spans.mark('fifos');
      await this.runtime.createTask(rec.id, fifos.paths, mounts);
      spans.mark('create-task');
      // Only now may clients write stdin: if our end closed (client EOF) before the shim opened its
      // end, the pipe's buffered bytes would be discarded and the shim would wait for a writer forever.
      c.streams.setStdin(fifos.stdin);
      const { pid } = await this.runtime.startTask(rec.id);
      spans.mark('start-task');
      rec.state = {
        ...rec.state, status: 'running', pid, exitCode: 0, error: '', oomKilled: false,
        startedAt: new Date().toISOString(), finishedAt: rec.hasBeenStartedBefore ? rec.state.finishedAt : ZERO_TIME,
      };
      rec.hasBeenStartedBefore = true;
      this.store.save(c);
      spans.mark('save');
      this.config.trace?.(spans.toString());
    } catch (err) {
      const io = this.io.get(rec.id);
      this.io.delete(rec.id);
      if (io) { await io.writer.close().catch(() => undefined); io.fifos.close(); }
      else fifos?.close();
      c.streams.setStdin(undefined);
      await this.runtime.deleteTask(rec.id).catch(() => undefined);
      await this.runtime.deleteContainer(rec.id).catch(() => undefined);
      const message = (err as Error).message ?? String(err);
      rec.state = { ...rec.state, status: rec.hasBeenStartedBefore ? 'exited' : 'created', error: message, exitCode: startFailureExitCode(message) };
      if (!rec.hasBeenStartedBefore) rec.state.status = 'created';
      this.store.save(c);
      c.streams.endAll();
      c.notifyExit();
      if (/executable file not found|no such file or directory|permission denied|not a directory/.test(message)) {
        throw new InvalidParameterError(message, { cause: err });
      }
      throw err;
    }
  }

  /** Wires a task's FIFOs to the log file and to attached clients. */
  private attachIO(c: Container, fifos: TaskFifosPort): void {
    const settings = logSettingsFor(c.record.hostConfig, c.record.config);
    const writer = settings.driver === 'none' || !c.record.logPath ? DISCARD_LOG : this.logs.openWriter(c.record.logPath, settings);
    // While the log file or an attached client is behind, the FIFO is not read: the shim and then
    // the process wait, instead of berthd buffering without bound.
    const pump = (sock: NonNullable<TaskFifosPort['stderr']>, stream: 'stdout' | 'stderr'): Promise<void> =>
      pumpOutput(sock, (chunk) => {
        const logOk = writer.write(stream, chunk);
        const clients = c.streams.publish(stream, chunk);
        if (logOk && !clients) return undefined;
        return Promise.all([logOk ? undefined : writer.drain(), clients]);
      });
    const drained = Promise.all([pump(fifos.stdout, 'stdout'), fifos.stderr ? pump(fifos.stderr, 'stderr') : Promise.resolve()])
      .then(() => undefined);
    this.io.set(c.id, { fifos, writer, drained });
  }

  // ---- stop / kill / restart ----

  async containerStop(ref: string, options: { timeout?: number; signal?: string }): Promise<void> {
    const c = this.store.get(ref);
    if (!c.runningOrRestarting) throw new NotModifiedError('container already stopped');
    c.record.hasBeenManuallyStopped = true;
    await this.stopContainer(c, options.timeout, options.signal);
  }

  private stopTimeout(c: Container, timeout?: number): number {
    if (timeout !== undefined) return timeout;
    return typeof c.record.config.StopTimeout === 'number' ? c.record.config.StopTimeout : 10;
  }

  /** Stop signal, wait, then SIGKILL. A pending restart just ends; a paused container is thawed to die. */
  private async stopContainer(c: Container, timeout?: number, signal?: string): Promise<void> {
    this.cancelRestart(c);
    // A restart already under way finishes first; then it is stopped like any running container.
    await this.starting.get(c.id);
    if (!c.running) return;
    const exited = c.wait('next-exit');
    c.stopping = true;
    const sig = parseSignal(signal ?? c.record.config.StopSignal ?? 'SIGTERM');
    const t = this.stopTimeout(c, timeout);
    await this.signalTask(c, sig);
    const inTime = t < 0 ? await exited.then(() => true) : await Promise.race([exited.then(() => true), sleep(t * 1000).then(() => false)]);
    if (inTime) return;
    await this.signalTask(c, 9);
    const killed = await Promise.race([exited.then(() => true), sleep(30_000).then(() => false)]);
    if (!killed) throw new SystemError(`container ${c.id} did not exit after SIGKILL`);
  }

  /** Signals the init process (all processes for SIGKILL); a paused container is resumed after, as dockerd 20.10 does. */
  private async signalTask(c: Container, sig: number): Promise<void> {
    await this.runtime.killTask(c.id, sig, { all: sig === 9 }).catch((err: unknown) => { if (!(err instanceof NotFoundError)) throw err; });
    if (c.record.state.status === 'paused') await this.resumeContainer(c).catch(() => undefined);
  }

  async containerRestart(ref: string, options: { timeout?: number; signal?: string }): Promise<void> {
    const c = this.store.get(ref);
    // AutoRemove must not take the container away between the stop and the start.
    this.manualRestarts.add(c.id);
    try {
      if (c.runningOrRestarting) {
        c.record.hasBeenManuallyStopped = true;
        await this.stopContainer(c, options.timeout, options.signal);
      }
      await c.exclusive(async () => {
        if (c.running) return;
        this.resetRestartManager(c);
        await this.startContainer(c);
      });
    } finally {
      this.manualRestarts.delete(c.id);
    }
  }

  async containerKill(ref: string, signal?: string): Promise<void> {
    const c = this.store.get(ref);
    const sig = parseSignal(signal ?? 'SIGKILL');
    if (!c.runningOrRestarting) throw new ConflictError(`Container ${c.id} is not running`);
    // dockerd 20.10: SIGKILL, the stop signal, or any signal when no StopSignal is set means the
    // container is meant to end: no restart, and it counts as stopped by the user.
    const stopSignal = c.record.config.StopSignal;
    const exitOnNext = sig === 9 || !stopSignal || parseSignal(stopSignal) === sig;
    if (exitOnNext) {
      c.record.hasBeenManuallyStopped = true;
      if (c.record.state.status === 'restarting') {
        this.cancelRestart(c);
        return;
      }
      this.restartManagerOf(c).cancel();
      this.store.save(c);
    } else if (c.record.state.status === 'restarting') {
      return;
    }
    const exited = sig === 9 ? c.wait('next-exit') : undefined;
    if (exitOnNext) await this.signalTask(c, sig);
    else await this.runtime.killTask(c.id, sig).catch((err: unknown) => { if (!(err instanceof NotFoundError)) throw err; });
    if (exited) await Promise.race([exited, sleep(30_000)]);
  }

  // ---- pause / unpause ----

  async containerPause(ref: string): Promise<void> {
    const c = this.store.get(ref);
    await c.exclusive(async () => {
      const status = c.record.state.status;
      if (status === 'restarting') throw new ConflictError(`Container ${c.id} is restarting, wait until the container is running`);
      if (status === 'paused') throw new ConflictError(`Container ${c.id} is already paused`);
      if (status !== 'running') throw new ConflictError(`Container ${c.id} is not running`);
      await this.runtime.pauseTask(c.id).catch((err: unknown) => {
        throw new SystemError(`Cannot pause container ${c.id}: ${(err as Error).message}`, { cause: err });
      });
      c.record.state.status = 'paused';
      this.store.save(c);
    });
  }

  async containerUnpause(ref: string): Promise<void> {
    const c = this.store.get(ref);
    await c.exclusive(async () => {
      if (c.record.state.status !== 'paused') throw new ConflictError(`Container ${c.id} is not paused`);
      await this.resumeContainer(c).catch((err: unknown) => {
        throw new SystemError(`Cannot unpause container ${c.id}: ${(err as Error).message}`, { cause: err });
      });
    });
  }

  private async resumeContainer(c: Container): Promise<void> {
    await this.runtime.resumeTask(c.id);
    if (c.record.state.status === 'paused') {
      c.record.state.status = 'running';
      this.store.save(c);
    }
  }

  // ---- rename / top / prune ----

  async containerRename(ref: string, newName: string): Promise<void> {
    if (!ref || !newName) throw new InvalidParameterError('Neither old nor new names may be empty');
    const c = this.store.get(ref);
    await c.exclusive(async () => {
      const wanted = newName.startsWith('/') ? newName : `/${newName}`;
      if (wanted === `/${c.name}`) throw new InvalidParameterError('Renaming a container with the same name as its current name');
      let name: string;
      try {
        name = validateName(wanted);
        this.store.reserveName(name, c.id);
      } catch (err) {
        throw withPrefix(err, 'Error when allocating new name: ');
      }
      const old = c.name;
      c.record.name = name;
      this.store.save(c);
      this.store.releaseName(old);
    });
  }

  async containerTop(ref: string, psArgs: string): Promise<TopResult> {
    const c = this.store.get(ref);
    if (!c.runningOrRestarting) throw new ConflictError(`Container ${c.id} is not running`);
    if (c.record.state.status === 'restarting') throw new ConflictError(`Container ${c.id} is restarting, wait until the container is running`);
    const pids = await this.runtime.listPids(c.id);
    return containerTop(psArgs, pids);
  }

  async containersPrune(filters: Record<string, string[]>, signal: AbortSignal): Promise<{ ContainersDeleted: string[] | null; SpaceReclaimed: number }> {
    const wanted = prunePredicate(filters);
    const deleted: string[] = [];
    let reclaimed = 0;
    for (const c of this.store.list()) {
      if (signal.aborted) break;
      if (c.runningOrRestarting || c.removed || !wanted(c.record)) continue;
      try {
        // Like dockerd: the space reclaimed is each removed container's writable layer (SizeRw).
        const size = this.sizeOf ? (await this.sizeOf(c).catch(() => undefined))?.SizeRw ?? 0 : 0;
        await this.containerRemove(c.id, { force: false, removeVolumes: false, link: false });
        deleted.push(c.id);
        reclaimed += size;
      } catch (err) {
        this.config.log(`prune ${c.id}: ${(err as Error).message}`);
      }
    }
    return { ContainersDeleted: deleted.length > 0 ? deleted : null, SpaceReclaimed: reclaimed };
  }

  // ---- wait / remove ----

  async containerWait(ref: string, condition: WaitCondition, signal: AbortSignal): Promise<{ result: Promise<WaitResponse> }> {
    const c = this.store.get(ref);
    return { result: c.wait(condition, signal) };
  }

  async containerRemove(ref: string, options: { force: boolean; removeVolumes: boolean; link: boolean }): Promise<void> {
    const c = this.store.get(ref);
    if (c.record.state.status === 'removing') throw new ConflictError(`removal of container ${ref} is already in progress`);
    if (options.link) {
      // There are no legacy links, so only dockerd's answer for a container's own name remains.
      const name = ref.startsWith('/') ? ref : `/${ref}`;
      if (path.posix.dirname(name) === '/') throw new ConflictError('Conflict, cannot remove the default link name of the container');
      return;
    }
    if (c.runningOrRestarting) {
      const state = c.record.state.status;
      if (!options.force) {
        const procedure = 'Stop the container before attempting removal or force remove';
        throw new ConflictError(`You cannot remove a ${state} container ${c.id}. ${state === 'paused' ? `Unpause and then ${procedure.toLowerCase()}` : procedure}`);
      }
      c.record.hasBeenManuallyStopped = true;
      this.cancelRestart(c);
      await this.starting.get(c.id);
      if (c.running) {
        const exited = c.wait('next-exit');
        await this.signalTask(c, 9).catch(() => undefined);
        await Promise.race([exited, sleep(30_000)]);
      }
    }
    c.record.hasBeenManuallyStopped = true;
    await this.removeStopped(c);
  }

  private async removeStopped(c: Container): Promise<void> {
    await c.exclusive(async () => {
      if (c.removed) return;
      const previous = c.record.state.status;
      c.record.state.status = 'removing';
      const spans = new Spans(`remove ${c.id.slice(0, 12)}`);
      try {
        await this.runtime.deleteTask(c.id);
        spans.mark('delete-task');
        await this.runtime.snapshots.remove(c.record.snapshotKey).catch((err: unknown) => {
          if (!(err instanceof NotFoundError)) throw err;
        });
        spans.mark('snapshot-remove');
        await this.runtime.deleteContainer(c.id);
      } catch (err) {
        c.record.state.status = previous;
        throw err;
      }
      fs.rmSync(this.fifoDir(c.id), { recursive: true, force: true });
      unmountShm(this.store.dir(c.id));
      this.store.delete(c);
      spans.mark('files');
      this.config.trace?.(spans.toString());
      c.streams.endAll();
      c.notifyRemoved();
    });
    await this.images.containerRemoved?.().catch((err: unknown) => this.config.log(`release image layers: ${String(err)}`));
  }

  // ---- list / inspect ----

  async containerList(options: ContainerListOptions): Promise<ContainerSummary[]> {
    const entries = this.store.list()
      .sort((a, b) => b.record.created.localeCompare(a.record.created))
      .map((c) => {
        // Built only for the containers a filter looks into or the list returns.
        let summary: ContainerSummary | undefined;
        return { container: c, record: c.record, get summary(): ContainerSummary { return (summary ??= containerSummary(c.record)); } };
      });
    const selected = selectContainers(entries, options, {
      container: (ref) => {
        try { return this.store.get(ref).record; } catch { throw new NotFoundError(`no such container ${ref}`); }
      },
      imageId: (ref) => { try { return this.images.resolveForContainer(ref).id; } catch { return undefined; } },
    });
    const sizeOf = options.size ? this.sizeOf : undefined;
    if (!sizeOf) return selected.map((e) => e.summary);
    return Promise.all(selected.map(async (e) => ({ ...e.summary, ...(await sizeOf(e.container)) })));
  }

  async containerInspect(ref: string, options: { size: boolean }): Promise<ContainerInspect> {
    const c = this.store.get(ref);
    const sizeOf = options.size ? this.sizeOf : undefined;
    return { ...containerInspect(c.record), ...(sizeOf ? await sizeOf(c) : {}) };
  }

  // ---- logs / attach / resize ----

  async containerLogs(ref: string, options: LogsOptions, signal: AbortSignal): Promise<{ tty: boolean; entries: AsyncIterable<LogEntry> }> {
    const c = this.store.get(ref);
    const logPath = c.record.logPath;
    if (!logPath) throw new NotImplementedError('configured logging driver does not support reading');
    const source = this.logs.read(logPath, {
      stdout: options.stdout, stderr: options.stderr, follow: options.follow, signal,
      ...(options.tail !== undefined ? { tail: options.tail } : {}),
      ...(options.since ? { since: options.since } : {}),
      ...(options.until ? { until: options.until } : {}),
      isRunning: () => c.running && !c.removed,
    });
    async function* entries(): AsyncIterable<LogEntry> {
      if (!fs.existsSync(logPath)) return;
      // `docker logs -t` shows nine fraction digits always (dockerd's RFC3339NanoFixed), while the
      // file holds Go's RFC3339Nano with trailing zeros trimmed.
      for await (const r of source) yield { stream: r.stream, line: r.line, timeText: fixedTimestamp(r.timeText), ...(r.attrs ? { attrs: r.attrs } : {}) };
    }
    return { tty: Boolean(c.record.config.Tty), entries: entries() };
  }

  async containerAttach(ref: string, options: AttachOptions): Promise<PreparedAttach> {
    const c = this.store.get(ref);
    if (c.record.state.status === 'paused') throw new ConflictError(`You cannot attach to a paused container, unpause it first`);
    const tty = Boolean(c.record.config.Tty);
    // As in dockerd, detach keys apply to TTY containers only; other stdin is copied verbatim.
    const detachKeys = tty ? parseDetachKeys(options.detachKeys ?? DEFAULT_DETACH_KEYS) : Buffer.alloc(0);
    return {
      tty,
      run: async (io) => {
        if (options.logs && c.record.logPath && fs.existsSync(c.record.logPath)) {
          for await (const r of this.logs.read(c.record.logPath, { stdout: options.stdout, stderr: options.stderr, follow: false })) {
            if (!io.output(r.stream, r.line)) await io.drained();
          }
        }
        if (!options.stream) return;
        await new Promise<void>((resolve) => {
          let finished = false;
          const finish = (): void => {
            if (finished) return;
            finished = true;
            unsubscribe();
            io.signal.removeEventListener('abort', finish);
            resolve();
          };
          const unsubscribe = c.streams.subscribe({
            output: (stream, data) => {
              if ((stream === 'stdout' && options.stdout) || (stream === 'stderr' && options.stderr)) return io.output(stream, data);
              return true;
            },
            drained: () => io.drained(),
            end: finish,
          });
          io.signal.addEventListener('abort', finish, { once: true });
          if (c.removed) finish();
          if (options.stdin && io.stdin && c.record.config.OpenStdin) {
            void copyClientStdin(io.stdin, {
              target: () => c.streams.whenStdin(), tty, detachKeys, closeOnEof: Boolean(c.record.config.StdinOnce),
              closeIO: () => this.runtime.closeStdin(c.id, '').catch((err: unknown) => this.config.log(`close stdin of ${c.id}: ${String(err)}`)),
            }).then((end) => { if (end === 'detached') finish(); });
          }
        });
      },
    };
  }

  async containerResize(ref: string, height: number, width: number): Promise<void> {
    const c = this.store.get(ref);
    if (!c.running) throw new ConflictError(`Container ${c.id} is not running`);
    if (height <= 0 || width <= 0) return;
    await this.runtime.resizePty(c.id, '', width, height);
  }

  // ---- update ----

  async containerUpdate(ref: string, update: ContainerUpdateBody): Promise<{ Warnings: string[] }> {
    const c = this.store.get(ref);
    const warnings = validateUpdate(update, this.cgroups);
    return c.exclusive(async () => {
      const status = c.record.state.status;
      if (c.removed || status === 'removing' || status === 'dead') {
        throw new ConflictError(`Cannot update container ${c.id}: container is marked for removal and cannot be "update"`);
      }
      const backup = structuredClone(c.record.hostConfig);
      mergeUpdate(c.id, c.record.hostConfig, update);
      const resources = linuxResources(update);
      // A stopped container gets the new limits from its spec at the next start.
      if (c.running && Object.keys(resources).length > 0) {
        try {
          await this.runtime.updateTask(c.id, resources);
        } catch (err) {
          c.record.hostConfig = backup;
          throw new SystemError(`Cannot update container ${c.id}: ${(err as Error).message}`, { cause: err });
        }
      }
      if (update.RestartPolicy !== undefined) c.restartManager?.setPolicy(c.record.hostConfig.RestartPolicy);
      this.store.save(c);
      return { Warnings: warnings };
    });
  }

  // ---- system ----

  async systemVersion(): Promise<VersionResult> {
    const details = {
      ApiVersion: MAX_API_VERSION, Arch: goArch(), BuildTime: '', Experimental: 'false', GitCommit: '',
      GoVersion: `node${process.versions.node}`, KernelVersion: os.release(), MinAPIVersion: MIN_API_VERSION, Os: 'linux',
    };
    return {
      Platform: { Name: 'Berth Engine' },
      Components: [
        { Name: 'Engine', Version: this.config.serverVersion, Details: details },
        { Name: 'containerd', Version: this.containerdVersion.version, Details: { GitCommit: this.containerdVersion.revision } },
      ],
      Version: this.config.serverVersion,
      ApiVersion: MAX_API_VERSION,
      MinAPIVersion: MIN_API_VERSION,
      GitCommit: '',
      GoVersion: details.GoVersion,
      Os: 'linux',
      Arch: goArch(),
      KernelVersion: os.release(),
      BuildTime: '',
    };
  }

  async systemInfo(): Promise<InfoResult> {
    const all = this.store.list();
    const count = (s: string): number => all.filter((c) => c.record.state.status === s).length;
    const running = count('running') + count('restarting');
    const paused = count('paused');
    const cgroupV2 = fs.existsSync('/sys/fs/cgroup/cgroup.controllers');
    return {
      ID: this.engineId,
      Containers: all.length,
      ContainersRunning: running,
      ContainersPaused: paused,
      ContainersStopped: all.length - running - paused,
      Images: this.images.count(),
      Driver: 'overlayfs',
      DriverStatus: [['driver-type', 'io.containerd.snapshotter.v1']],
      Plugins: { Volume: ['local'], Network: ['null'], Authorization: null, Log: ['json-file'] },
      MemoryLimit: true, SwapLimit: true, KernelMemory: false, KernelMemoryTCP: false,
      CpuCfsPeriod: true, CpuCfsQuota: true, CPUShares: true, CPUSet: true, PidsLimit: true,
      IPv4Forwarding: true, BridgeNfIptables: false, BridgeNfIp6tables: false,
      Debug: false, NFd: countFds(), OomKillDisable: !cgroupV2, NGoroutines: 0,
      SystemTime: new Date().toISOString(),
      LoggingDriver: 'json-file',
      CgroupDriver: 'cgroupfs',
      CgroupVersion: cgroupV2 ? '2' : '1',
      NEventsListener: 0,
      KernelVersion: os.release(),
      OperatingSystem: osPrettyName(),
      OSVersion: osVersionId(),
      OSType: 'linux',
      Architecture: os.machine(),
      IndexServerAddress: 'https://index.docker.io/v1/',
      RegistryConfig: {
        AllowNondistributableArtifactsCIDRs: [], AllowNondistributableArtifactsHostnames: [],
        InsecureRegistryCIDRs: ['127.0.0.0/8'],
        IndexConfigs: { 'docker.io': { Name: 'docker.io', Mirrors: [], Secure: true, Official: true } },
        Mirrors: [],
      },
      NCPU: os.cpus().length,
      MemTotal: os.totalmem(),
      GenericResources: null,
      DockerRootDir: this.config.dataRoot,
      HttpProxy: process.env.HTTP_PROXY ?? '',
      HttpsProxy: process.env.HTTPS_PROXY ?? '',
      NoProxy: process.env.NO_PROXY ?? '',
      Name: os.hostname(),
      Labels: [],
      ExperimentalBuild: false,
      ServerVersion: this.config.serverVersion,
      Runtimes: { runc: { path: 'runc' }, 'io.containerd.runc.v2': { path: 'io.containerd.runc.v2' } },
      DefaultRuntime: 'runc',
      Swarm: { NodeID: '', NodeAddr: '', LocalNodeState: 'inactive', ControlAvailable: false, Error: '', RemoteManagers: null },
      LiveRestoreEnabled: false,
      Isolation: '',
      InitBinary: 'docker-init',
      ContainerdCommit: { ID: this.containerdVersion.revision, Expected: this.containerdVersion.revision },
      RuncCommit: { ID: '', Expected: '' },
      InitCommit: { ID: '', Expected: '' },
      SecurityOptions: [],
      Warnings: [],
    };
  }

  // ---- shutdown ----

  /** Stops running containers as dockerd does without live-restore, then releases the runtime. */
  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    const running = this.store.list().filter((c) => c.running);
    await Promise.all(running.map((c) => this.stopContainer(c).catch((err: unknown) => {
      this.config.log(`stop ${c.id} on shutdown: ${(err as Error).message}`);
    })));
    this.unsubscribe?.();
  }
}

/** The `none` driver's writer. */
const DISCARD_LOG: LogWriterPort = { write: () => true, drain: async () => undefined, close: async () => undefined };

function logSettingsFor(hc: HostConfig, config: ContainerConfig): LogDriverSettings {
  return resolveLogConfig(hc.LogConfig, { labels: config.Labels ?? {}, env: config.Env ?? [] });
}

/** dockerd's places: `<id>-json.log` for json-file, `local-logs/container.log` for local, none for none. */
function logFilePath(dir: string, id: string, driver: LogDriverName): string {
  if (driver === 'none') return '';
  if (driver === 'local') {
    fs.mkdirSync(path.join(dir, 'local-logs'), { recursive: true, mode: 0o700 });
    return path.join(dir, 'local-logs', 'container.log');
  }
  return path.join(dir, `${id}-json.log`);
}

function fixedTimestamp(text: string): string {
  const ns = parseRfc3339Nano(text);
  return ns === undefined ? text : formatRfc3339NanoFixed(ns);
}

/** HostConfig.ConsoleSize is [height, width] (API 1.42+); absent or zero means unknown. */
function consoleSize(v: unknown): { height: number; width: number } | undefined {
  if (!Array.isArray(v) || v.length !== 2) return undefined;
  const [height, width] = v.map(Number);
  return height && width ? { height, width } : undefined;
}

function startFailureExitCode(message: string): number {
  if (/executable file not found|no such file or directory/.test(message)) return 127;
  if (/permission denied/.test(message)) return 126;
  return 128;
}

function goArch(): string {
  const map: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' };
  return map[process.arch] ?? process.arch;
}

function osRelease(): Record<string, string> {
  try {
    const out: Record<string, string> = {};
    for (const line of fs.readFileSync('/etc/os-release', 'utf8').split('\n')) {
      const m = /^([A-Z_]+)=(.*)$/.exec(line);
      if (m) out[m[1]!] = m[2]!.replace(/^"|"$/g, '');
    }
    return out;
  } catch {
    return {};
  }
}

const osPrettyName = (): string => osRelease().PRETTY_NAME ?? 'Linux';
const osVersionId = (): string => osRelease().VERSION_ID ?? '';

function countFds(): number {
  try { return fs.readdirSync('/proc/self/fd').length; } catch { return 0; }
}
