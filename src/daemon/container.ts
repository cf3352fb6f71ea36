// The container model: what is persisted (ContainerRecord) and the in-memory parts of a live
// container (stream hub, waiters, operation lock).
import type { ContainerConfig, ContainerStatus, HostConfig, MountPoint } from '../api/types/container.js';
import type { HealthState } from '../health/health-state.js';
import type { ContainerNetworkSettings, NetworkingConfigRequest } from '../network/types.js';
import type { Mount } from '../runtime/runtime.js';
import { ContainerStreams } from './container-streams.js';
import type { RestartManager } from './restart-manager.js';

export const ZERO_TIME = '0001-01-01T00:00:00Z';

export interface ContainerState {
  status: ContainerStatus;
  pid: number;
  exitCode: number;
  error: string;
  oomKilled: boolean;
  startedAt: string;
  finishedAt: string;
  /** State.Health, for containers with a health check (src/health) */
  health?: HealthState;
}

/** A mount as inspect shows it, plus what the volumes participant needs to manage it. */
export interface ContainerMountPoint extends MountPoint {
  /** a volume created for this container: `rm -v` removes it */
  Anonymous?: boolean;
  /** inherited through VolumesFrom: mounted by the volumes participant, not from this HostConfig */
  From?: string;
  /** VolumeOptions.Subpath / ImageOptions.Subpath: the path inside the volume or image that is mounted */
  Subpath?: string;
  /** an image mount's image (sha256:…) and the read-only snapshot view of it */
  ImageId?: string;
  SnapshotKey?: string;
}

export interface ContainerRecord {
  id: string;
  name: string;
  created: string;
  path: string;
  args: string[];
  config: ContainerConfig;
  hostConfig: HostConfig;
  /** image ID (sha256:...) */
  image: string;
  state: ContainerState;
  restartCount: number;
  hasBeenStartedBefore: boolean;
  hasBeenManuallyStopped: boolean;
  snapshotKey: string;
  logPath: string;
  hostnamePath: string;
  hostsPath: string;
  resolvConfPath: string;
  /** every bind, volume and tmpfs mount (HostConfig.Tmpfs aside), set at create; absent in older records */
  mountPoints?: ContainerMountPoint[];
  /** the create request's NetworkingConfig, until the network participant takes it over */
  networkingConfig?: NetworkingConfigRequest;
  /** endpoints, published ports and sandbox: owned by the network area (src/network/) */
  networkSettings?: ContainerNetworkSettings;
  /** --link's environment (ALIAS_PORT, ...) as set at the last start, which execs get too (as dockerd) */
  linkEnv?: string[];
}

export type WaitCondition = 'not-running' | 'next-exit' | 'removed';

export interface WaitResult {
  StatusCode: number;
  Error?: { Message: string } | null;
}

interface Waiter {
  condition: WaitCondition;
  resolve: (r: WaitResult) => void;
}

export class Container {
  readonly streams = new ContainerStreams();
  private waiters: Waiter[] = [];
  private lock: Promise<unknown> = Promise.resolve();
  /** set while berthd is stopping it, so the exit is not treated as a crash for restart policies */
  stopping = false;
  removed = false;
  /** set by `docker rm -v` for the participants' release step: anonymous volumes go too */
  removeVolumes = false;
  /** the restart policy's state for the current run sequence (replaced by a manual start) */
  restartManager: RestartManager | undefined;
  /**
   * Exec instances not yet exited, each with the StartedAt of the run it was created in: dockerd
   * lists them in inspect's ExecIDs and drops all of a run's execs when the container stops.
   */
  readonly execs = new Map<string, string>();
  /**
   * Known to have no containerd container or task (since create, or since the last teardown
   * succeeded): start and remove then skip their cleanup round trips. False when unknown (restore).
   */
  runtimeClean = false;
  /** the rootfs snapshot's mounts (stable for the snapshot's life), once asked: start and exec reuse them */
  rootfsMounts: Mount[] | undefined;

  constructor(public record: ContainerRecord) {}

  /** ExecIDs for inspect: this run's execs while the container runs. */
  liveExecIds(): string[] {
    const run = this.record.state.startedAt;
    // execs created in an earlier run but never started are forgotten here, as dockerd's cleanup does
    for (const [id, createdIn] of this.execs) if (createdIn !== run) this.execs.delete(id);
    return this.running ? [...this.execs.keys()] : [];
  }

  get id(): string { return this.record.id; }
  get name(): string { return this.record.name; }
  get running(): boolean { return this.record.state.status === 'running' || this.record.state.status === 'paused'; }
  /** dockerd counts a restarting container as running for stop, kill, rm and wait */
  get runningOrRestarting(): boolean { return this.running || this.record.state.status === 'restarting'; }

  /** Serializes lifecycle operations on one container. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.lock.then(fn, fn);
    this.lock = next.catch(() => undefined);
    return next;
  }

  /** Resolves when the condition is met; a waiter whose client went away (signal) is dropped. */
  wait(condition: WaitCondition, signal?: AbortSignal): Promise<WaitResult> {
    if (condition === 'not-running' && !this.runningOrRestarting) {
      return Promise.resolve({ StatusCode: this.record.state.exitCode, Error: null });
    }
    return new Promise((resolve) => {
      const waiter: Waiter = { condition, resolve };
      this.waiters.push(waiter);
      signal?.addEventListener('abort', () => { this.waiters = this.waiters.filter((w) => w !== waiter); }, { once: true });
    });
  }

  notifyExit(): void {
    const result = this.result();
    this.waiters = this.waiters.filter((w) => {
      if (w.condition === 'removed') return true;
      w.resolve(result);
      return false;
    });
  }

  /**
   * dockerd's SetRemoved is SetRemovalError(nil): it clears the state's error before waking the
   * `removed` waiters, so a container removed after a failed start reports no Error (the CLI
   * prints the start's error, not "Error waiting for container").
   */
  notifyRemoved(): void {
    const result: WaitResult = { StatusCode: this.record.state.exitCode, Error: null };
    for (const w of this.waiters) w.resolve(result);
    this.waiters = [];
  }

  private result(): WaitResult {
    const s = this.record.state;
    return { StatusCode: s.exitCode, Error: s.error ? { Message: s.error } : null };
  }
}
