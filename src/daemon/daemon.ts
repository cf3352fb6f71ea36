// The Daemon: builds the container modules around one shared context, brings containers back after
// a restart (reconciled with what containerd still runs) and stops them on shutdown. The router
// backends are implemented by the modules it exposes (create, start, stop, remove, queries,
// streams, modify, system); src/cmd/berthd.ts wires them to the routers.
import fs from 'node:fs';
import path from 'node:path';
import type { EventSink } from '../events/types.js';
import type { Runtime } from '../runtime/runtime.js';
import type { Container } from './container.js';
import { ContainerAttachService } from './container-attach.js';
import { ContainerCreator } from './container-create.js';
import { ContainerModifier } from './container-modify.js';
import { ContainerQueries } from './container-query.js';
import { ContainerRemover } from './container-remove.js';
import { ContainerStarter } from './container-start.js';
import { ContainerStopper } from './container-stop.js';
import { ContainerStore } from './container-store.js';
import { DaemonContext, type DaemonConfig } from './context.js';
import { ExitMonitor } from './exit-monitor.js';
import { ContainerHooks, type ContainerParticipant } from './hooks.js';
import type { ContainerSizePort, FifosPort, ImagesPort, LogsPort } from './ports.js';
import { releaseIO } from './io-release.js';
import { reopenOutputFifos } from './output-fifos.js';
import { policyWantsRestart } from './restart-manager.js';
import { Restarts } from './restarts.js';
import { SystemInfo } from './system-info.js';

export type { DaemonConfig } from './context.js';

export class Daemon {
  readonly create: ContainerCreator;
  readonly start: ContainerStarter;
  readonly stop: ContainerStopper;
  readonly remove: ContainerRemover;
  readonly queries: ContainerQueries;
  readonly streams: ContainerAttachService;
  readonly modify: ContainerModifier;
  readonly system: SystemInfo;
  private readonly ctx: DaemonContext;
  private readonly restarts: Restarts;
  private readonly exits: ExitMonitor;
  private engineId = '';
  private containerdVersion = { version: '', revision: '' };
  private sizeOf: ContainerSizePort | undefined;

  constructor(config: DaemonConfig, runtime: Runtime, images: ImagesPort, logs: LogsPort, fifos: FifosPort) {
    const store = new ContainerStore(path.join(config.dataRoot, 'containers'));
    const ctx = new DaemonContext(config, runtime, store, images, logs, fifos, new ContainerHooks(config.log));
    this.ctx = ctx;
    this.restarts = new Restarts(ctx);
    const sizeOf = (): ContainerSizePort | undefined => this.sizeOf;
    this.remove = new ContainerRemover(ctx, this.restarts, sizeOf);
    const removeStopped = (c: Container): Promise<void> => this.remove.removeStopped(c);
    this.start = new ContainerStarter(ctx, this.restarts, removeStopped);
    const start = (c: Container): Promise<void> => this.start.start(c);
    this.exits = new ExitMonitor(ctx, this.restarts, start, removeStopped);
    this.stop = new ContainerStopper(ctx, this.restarts, start);
    this.create = new ContainerCreator(ctx);
    this.queries = new ContainerQueries(ctx, sizeOf);
    this.streams = new ContainerAttachService(ctx);
    this.modify = new ContainerModifier(ctx);
    this.system = new SystemInfo({
      serverVersion: config.serverVersion,
      dataRoot: config.dataRoot,
      engineId: () => this.engineId,
      containerdVersion: () => this.containerdVersion,
      containers: () => store.list(),
      imageCount: () => images.count(),
    });
  }

  /** Wiring: where container events go (the event bus). Set before init(). */
  setEventSink(sink: EventSink): void {
    this.ctx.events = sink;
  }

  /** Wiring: another area joins the containers' create/start/exit/remove steps (hooks.ts). */
  addParticipant(p: ContainerParticipant): void {
    this.ctx.hooks.add(p);
  }

  /** Loads persisted containers and reconciles them with the runtime. */
  async init(): Promise<void> {
    this.engineId = this.loadEngineId();
    this.containerdVersion = await this.ctx.runtime.version();
    this.exits.subscribe();
    const containers = this.ctx.store.loadAll(this.ctx.config.log);
    await Promise.all(containers.map((c) => this.restore(c).catch((err: unknown) => {
      this.ctx.config.log(`restore of ${c.id} failed: ${(err as Error).message}`);
    })));
    await this.exits.reapLeftovers(containers);
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
        if (c.record.hostConfig.AutoRemove && c.record.hasBeenStartedBefore) { await this.remove.removeStopped(c); return; }
        const s = c.record.state;
        if (!c.record.hasBeenStartedBefore || (s.status !== 'exited' && s.status !== 'created')) return;
        if (!policyWantsRestart(c.record.hostConfig.RestartPolicy, s.exitCode, c.record.hasBeenManuallyStopped, c.record.restartCount)) return;
        await c.exclusive(async () => {
          this.restarts.reset(c);
          await this.start.start(c);
        });
        this.ctx.config.log(`restarted ${c.id} (restart policy ${c.record.hostConfig.RestartPolicy?.Name ?? ''})`);
      } catch (err) {
        this.ctx.config.log(`start of ${c.id} after restore failed: ${(err as Error).message}`);
      }
    }));
  }

  private loadEngineId(): string {
    const file = path.join(this.ctx.config.dataRoot, 'engine-id');
    try {
      const id = fs.readFileSync(file, 'utf8').trim();
      if (id) return id;
    } catch { /* first start */ }
    const id = crypto.randomUUID();
    fs.writeFileSync(file, id + '\n', { mode: 0o600 });
    return id;
  }

  private async restore(c: Container): Promise<void> {
    const { runtime, store } = this.ctx;
    const s = c.record.state;
    if (s.status === 'restarting') {
      // A restart was pending when berthd went away: afterRestore decides again.
      s.status = 'exited';
      store.save(c);
      return;
    }
    if (s.status !== 'running' && s.status !== 'paused') {
      if (s.status === 'removing') s.status = 'dead';
      return;
    }
    const task = await runtime.getTask(c.id);
    if (task && (task.status === 'running' || task.status === 'paused' || task.status === 'pausing')) {
      const fifos = await reopenOutputFifos(this.ctx.fifos, { stdin: task.stdin, stdout: task.stdout, stderr: task.stderr, terminal: task.terminal }, { running: true });
      this.start.attachIO(c, fifos);
      c.streams.setStdin(fifos.stdin);
      c.record.state.pid = task.pid;
      c.record.state.status = task.status === 'running' ? 'running' : 'paused';
      store.save(c);
      this.ctx.config.log(`restored running container ${c.id}`);
      return;
    }
    // It exited while berthd was away: what it wrote last may still wait in its FIFOs (a writer
    // blocks on a full pipe until it is read), so they are drained into the log before the task goes.
    if (task && task.stdout && fs.existsSync(task.stdout)) {
      const fifos = await reopenOutputFifos(this.ctx.fifos, { stdin: '', stdout: task.stdout, stderr: task.stderr, terminal: task.terminal }, { running: false }).catch(() => undefined);
      if (fifos) this.start.attachIO(c, fifos);
      await this.exits.finishExit(c, task.exitStatus, new Date(), { restoring: true });
      return;
    }
    // record its real exit status when containerd still has it
    const exit = task ? await runtime.deleteTask(c.id) : undefined;
    await this.exits.finishExit(c, exit?.exitStatus ?? 255, exit?.exitedAt ?? new Date(), { restoring: true });
  }

  /** For the exec and filesystem services: a container by ID, name or prefix (404 otherwise). */
  getContainer(ref: string): Container {
    return this.ctx.store.get(ref);
  }

  /** Writes a container's record (for the health checks, which change its State.Health). */
  persist(c: Container): void {
    if (!c.removed) this.ctx.store.save(c);
  }

  /** Publishes a container event with dockerd's attributes (for areas outside the daemon). */
  emit(c: Container, action: string, extra?: Record<string, string>): void {
    this.ctx.emit(c, action, extra);
  }

  /** Every container (for image usage: rmi conflicts, prune, df). */
  allContainers(): Container[] {
    return this.ctx.store.list();
  }

  /** Wiring: how `size=1` measures a container. */
  setSizeProvider(sizeOf: ContainerSizePort): void {
    this.sizeOf = sizeOf;
  }

  /** For areas that keep their part of a container in its record (networking). */
  saveContainer(c: Container): void {
    this.ctx.store.save(c);
  }

  fifoDirOf(id: string): string {
    return this.ctx.fifoDir(id);
  }

  /** --live-restore: running containers stay; their output read so far is logged, the rest waits for the next berthd. */
  async detach(): Promise<void> {
    this.ctx.shuttingDown = true;
    this.exits.close();
    await releaseIO(this.ctx.io);
  }

  /** Stops running containers as dockerd does without live-restore, then releases the runtime. */
  async shutdown(): Promise<void> {
    this.ctx.shuttingDown = true;
    const running = this.ctx.store.list().filter((c) => c.running);
    await Promise.all(running.map((c) => this.stop.stop(c).catch((err: unknown) => {
      this.ctx.config.log(`stop ${c.id} on shutdown: ${(err as Error).message}`);
    })));
    await this.exits.idle(); // their tasks released too
    this.exits.close();
  }
}
