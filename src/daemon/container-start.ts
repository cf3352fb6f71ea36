// Starting a container: the one start path (API start, restart policies, `docker restart`, restore).
// Builds the OCI spec from Config/HostConfig plus what participants add, creates the containerd
// container, its FIFOs and task, wires output to the log and attached clients, then starts the task.
import fs from 'node:fs';
import type { ContainerStartBackend } from '../api/routers/containers/backend.js';
import type { HostConfig } from '../api/types/container.js';
import { checkCreateBodyTypes } from '../api/types/create-body.js';
import { ConflictError, InvalidParameterError, NotModifiedError } from '../errdefs/index.js';
import { Spans } from '../internal/spans.js';
import {
  buildSpec, withBindFile, withCgroupsPath, withCwd, withEnv, withHostname, withProcessArgs, withTerminal, withUser,
} from '../oci/spec.js';
import type { Mount } from '../runtime/runtime.js';
import { ZERO_TIME, type Container } from './container.js';
import { hostConfigSpecOptions, kernelSupportsSeccomp } from './container-spec.js';
import type { DaemonContext } from './context.js';
import { validateLogConfig, validateRestartPolicy } from './create-validation.js';
import { DISCARD_LOG, logSettingsFor } from './log-settings.js';
import type { LoggedFifosPort, OutputSourcePort } from './ports.js';
import { openOutputFifos } from './output-fifos.js';
import { processEnv } from './process-env.js';
import type { Restarts } from './restarts.js';
import { readRootfsFile } from './rootfs-files.js';
import { mountShm, shmPath } from './shm-mount.js';
import { resolveUser } from './user-lookup.js';
import { checkVolumesFrom } from './volumes-from.js';

export class ContainerStarter implements ContainerStartBackend {
  constructor(
    private readonly ctx: DaemonContext,
    private readonly restarts: Restarts,
    /** AutoRemove of a container whose start failed */
    private readonly remove: (c: Container) => Promise<void>,
  ) {}

  async containerStart(ref: string, legacyHostConfig?: HostConfig): Promise<void> {
    const c = this.ctx.store.get(ref);
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
        // dockerd's setHostConfig registers the mount points first: a missing VolumesFrom source is a 400
        checkVolumesFrom(legacyHostConfig.VolumesFrom as string[] | null | undefined, (r) => this.ctx.store.get(r));
        c.record.hostConfig = { ...c.record.hostConfig, ...legacyHostConfig };
      }
      this.restarts.reset(c);
      try {
        await this.start(c);
      } catch (err) {
        startFailed = true;
        throw err;
      }
    }).catch(async (err: unknown) => {
      // As dockerd: an AutoRemove container whose start fails is removed (the CLI waits for it);
      // a refused request (bad body, wrong state) leaves it alone.
      if (startFailed && c.record.hostConfig.AutoRemove && !c.running && !c.removed) {
        await this.remove(c).catch((e: unknown) => this.ctx.config.log(`auto-remove ${c.id}: ${String(e)}`));
      }
      throw err;
    });
  }

  /** Starts `c` (the caller holds its exclusive section). Exits that arrive meanwhile wait for it. */
  async start(c: Container): Promise<void> {
    let done = (): void => undefined;
    this.ctx.starting.set(c.id, new Promise<void>((r) => { done = r; }));
    try {
      await this.doStart(c);
    } finally {
      this.ctx.starting.delete(c.id);
      done();
    }
  }

  private async doStart(c: Container): Promise<void> {
    const { runtime, store } = this.ctx;
    const rec = c.record;
    const spans = new Spans(`start ${rec.id.slice(0, 12)}`);
    c.rootfsMounts ??= await runtime.snapshots.mounts(rec.snapshotKey);
    const mounts = c.rootfsMounts;
    spans.mark('mounts');
    let fifos: LoggedFifosPort | undefined;
    try {
      const spec = buildSpec([...this.specOptions(c, mounts), ...await this.ctx.hooks.beforeTaskStart(c)]);
      spans.mark('spec');
      // Leftovers of a previous run (e.g. berthd died between exit and cleanup), unless known to be none.
      if (!c.runtimeClean) {
        await runtime.deleteTask(rec.id).catch(() => undefined);
        await runtime.deleteContainer(rec.id);
        spans.mark('stale-cleanup');
      }
      c.runtimeClean = false;
      await runtime.createContainer({
        id: rec.id, image: rec.config.Image ?? '', labels: { 'com.berth.container': 'true' }, spec, snapshotKey: rec.snapshotKey,
        ...(this.ctx.config.runtimes?.resolve(rec.hostConfig.Runtime) ?? { runtime: this.ctx.config.runtimeName }),
      });
      spans.mark('create-container');
      const dir = this.ctx.fifoDir(rec.id);
      fs.rmSync(dir, { recursive: true, force: true });
      fifos = await openOutputFifos(this.ctx.fifos, this.ctx.config.logRelay ?? false, dir, { stdin: Boolean(rec.config.OpenStdin), terminal: Boolean(rec.config.Tty) });
      this.attachIO(c, fifos);
      spans.mark('fifos');
      await runtime.createTask(rec.id, fifos.paths, mounts);
      spans.mark('create-task');
      // Only now may clients write stdin: if our end closed (client EOF) before the shim opened its
      // end, the pipe's buffered bytes would be discarded and the shim would wait for a writer forever.
      c.streams.setStdin(fifos.stdin);
      const { pid } = await runtime.startTask(rec.id);
      spans.mark('start-task');
      rec.state = {
        ...rec.state, status: 'running', pid, exitCode: 0, error: '', oomKilled: false,
        startedAt: new Date().toISOString(), finishedAt: rec.hasBeenStartedBefore ? rec.state.finishedAt : ZERO_TIME,
      };
      rec.hasBeenStartedBefore = true;
      store.save(c);
      this.ctx.emit(c, 'start');
      spans.mark('save');
      this.ctx.config.trace?.(spans.toString());
    } catch (err) {
      const io = this.ctx.io.get(rec.id);
      this.ctx.io.delete(rec.id);
      if (io) { await io.writer.close().catch(() => undefined); io.fifos.close(); }
      else fifos?.close();
      c.streams.setStdin(undefined);
      const taskGone = await runtime.deleteTask(rec.id).then(() => true, () => false);
      const containerGone = await runtime.deleteContainer(rec.id).then(() => true, () => false);
      c.runtimeClean = taskGone && containerGone;
      await this.ctx.hooks.startFailed(c);
      const message = (err as Error).message ?? String(err);
      rec.state = { ...rec.state, status: rec.hasBeenStartedBefore ? 'exited' : 'created', error: message, exitCode: startFailureExitCode(message) };
      if (!rec.hasBeenStartedBefore) rec.state.status = 'created';
      store.save(c);
      c.streams.endAll();
      c.notifyExit();
      if (/executable file not found|no such file or directory|permission denied|not a directory/.test(message)) {
        throw new InvalidParameterError(message, { cause: err });
      }
      throw err;
    }
  }

  /** The spec from the container's own Config and HostConfig (participants add theirs after). */
  private specOptions(c: Container, mounts: Mount[]): ReturnType<typeof hostConfigSpecOptions> {
    const { store } = this.ctx;
    const rec = c.record;
    const cfg = rec.config;
    const passwd = readRootfsFile(mounts, 'etc/passwd')?.toString('utf8');
    const group = readRootfsFile(mounts, 'etc/group')?.toString('utf8');
    const user = resolveUser(cfg.User ?? '', passwd, group, (rec.hostConfig.GroupAdd as string[] | undefined) ?? []);
    const env = processEnv(cfg.Env ?? [], cfg.Hostname ?? '', Boolean(cfg.Tty), user.home);
    return [
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
          const p = store.get(ref);
          return {
            id: p.id, running: p.running, pid: p.record.state.pid, ipcMode: p.record.hostConfig.IpcMode ?? '',
            shmPath: shmPath(store.dir(p.id)),
          };
        },
        mountShareableShm: (size) => mountShm(store.dir(rec.id), size),
        seccompSupported: kernelSupportsSeccomp(),
      }),
    ];
  }

  /** Wires a task's FIFOs to the log file and to attached clients (also for tasks found on restore). */
  attachIO(c: Container, fifos: LoggedFifosPort): void {
    const settings = logSettingsFor(c.record.hostConfig, c.record.config);
    const logged = settings.driver !== 'none' && Boolean(c.record.logPath);
    const writer = logged ? this.ctx.logs.openWriter(c.record.logPath, settings) : DISCARD_LOG;
    // While the log file or an attached client is behind, the FIFO is not read: the shim and then
    // the process wait, instead of berthd buffering without bound.
    // The writer writes each chunk before write() returns (sync): the relay journals against the log.
    const pump = (source: OutputSourcePort, stream: 'stdout' | 'stderr'): Promise<void> =>
      source.pump((chunk) => {
        const logOk = writer.write(stream, chunk);
        const clients = c.streams.publish(stream, chunk);
        if (logOk && !clients) return undefined;
        return Promise.all([logOk ? undefined : writer.drain(), clients]);
      }, logged ? { path: c.record.logPath, stream } : undefined);
    const drained = Promise.all([pump(fifos.stdout, 'stdout'), fifos.stderr ? pump(fifos.stderr, 'stderr') : Promise.resolve()])
      .then(() => undefined);
    this.ctx.io.set(c.id, { fifos, writer, drained });
  }
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
