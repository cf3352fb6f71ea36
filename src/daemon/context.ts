// What the container modules share: configuration, collaborators, the container store and the
// state of running tasks. One object, built by the Daemon and passed to each module, so that no
// module reaches for another's fields.
import path from 'node:path';
import { emptyTrash } from '../internal/background-remove.js';
import { noEvents, type EventSink } from '../events/types.js';
import type { Runtime } from '../runtime/runtime.js';
import type { ResolvedRuntime } from '../runtime/selection/runtime-table.js';
import { probeCgroups, type CgroupInfo } from './cgroup-info.js';
import type { Container } from './container.js';
import { emitContainerEvent } from './container-event.js';
import type { ContainerStore } from './container-store.js';
import type { ContainerHooks } from './hooks.js';
import type { FifosPort, ImagesPort, LoggedFifosPort, LogsPort, LogWriterPort } from './ports.js';

export interface DaemonConfig {
  dataRoot: string;
  execRoot: string;
  runtimeName: string;
  /** HostConfig.Runtime names → containerd runtime (+ binary); the default for new containers */
  runtimes?: RuntimeChoice;
  serverVersion: string;
  log: (msg: string) => void;
  /** debug-level timing of lifecycle steps */
  trace?: (msg: string) => void;
  /** --log-relay (berthd's default): new containers' output goes through a copier that outlives berthd (src/logrelay) */
  logRelay?: boolean;
}

export interface RuntimeChoice {
  readonly defaultName: string;
  has(name: string): boolean;
  resolve(name: string | undefined): ResolvedRuntime;
}

/** A running task's output pumps: FIFOs → log writer and attached clients. */
export interface RunningIO {
  fifos: LoggedFifosPort;
  writer: LogWriterPort;
  drained: Promise<void>;
}

export class DaemonContext {
  /** output pumps of running tasks, by container ID */
  readonly io = new Map<string, RunningIO>();
  /** starts in flight: an exit that arrives before the start has recorded `running` waits for it */
  readonly starting = new Map<string, Promise<void>>();
  /** containers being restarted by `docker restart`: their exit must not AutoRemove them */
  readonly manualRestarts = new Set<string>();
  /** set once shutdown begins: exits then neither restart nor auto-remove */
  shuttingDown = false;
  /** where container events go (the event bus, set at wiring) */
  events: EventSink = noEvents;
  private cgroupInfo: CgroupInfo | undefined;

  constructor(
    readonly config: DaemonConfig,
    readonly runtime: Runtime,
    readonly store: ContainerStore,
    readonly images: ImagesPort,
    readonly logs: LogsPort,
    readonly fifos: FifosPort,
    readonly hooks: ContainerHooks,
  ) {
    emptyTrash(this.fifoTrash);
  }

  /** The host's cgroup capabilities, probed on first use. */
  get cgroups(): CgroupInfo {
    this.cgroupInfo ??= probeCgroups();
    return this.cgroupInfo;
  }

  /** Where FIFO directories go to be deleted in the background (emptied at start). */
  get fifoTrash(): string {
    return path.join(this.config.execRoot, 'containers', '.trash');
  }

  /** Where a container's task FIFOs live (runtime state, under the exec root). */
  fifoDir(id: string): string {
    return path.join(this.config.execRoot, 'containers', id);
  }

  /** Publishes a container event with dockerd's Actor attributes (image, name, labels, extras). */
  emit(c: Container, action: string, extra?: Record<string, string>): void {
    emitContainerEvent(this.events, c, action, extra);
  }

  /** A container by full ID, or undefined (for events about containers that may be gone). */
  tryGet(id: string): ReturnType<ContainerStore['get']> | undefined {
    try { return this.store.get(id); } catch { return undefined; }
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
