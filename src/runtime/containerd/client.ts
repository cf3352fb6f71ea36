// ContainerdRuntime: the Runtime interface (src/runtime/runtime.ts) on containerd 1.6's gRPC API.
// Everything runs in one containerd namespace; errors arrive as src/errdefs classes (errors.ts).
import { status as Status } from '@grpc/grpc-js';
import type {
  CreateRuntimeContainerOptions,
  Mount,
  Runtime,
  RuntimeContainer,
  RuntimeEvent,
  TaskIOPaths,
  TaskState,
} from '../runtime.js';
import { Connection } from './connection.js';
import { ContainerdContentStore } from './content-store.js';
import { ContainerdDiffer } from './differ.js';
import { grpcCode } from './errors.js';
import { subscribeEvents } from './events.js';
import { ContainerdSnapshotter, SNAPSHOTTER } from './snapshotter.js';
import { runcOptionsAny } from './runc-options.js';
import {
  fromMount,
  jsonAny,
  PROCESS_TYPE_URL,
  RESOURCES_TYPE_URL,
  SPEC_TYPE_URL,
  toDate,
  toTaskState,
  type WireContainer,
  type WireProcess,
  type WireTimestamp,
} from './wire.js';

export interface ContainerdRuntimeOptions {
  /** containerd's gRPC unix socket path (or a `unix:` target) */
  address: string;
  /** containerd namespace for everything Berth creates, e.g. "berth" */
  namespace: string;
}

function ignoreNotFound(err: unknown): undefined {
  if (grpcCode(err) === Status.NOT_FOUND) return undefined;
  throw err;
}

function toRuntimeContainer(c: WireContainer): RuntimeContainer {
  return { id: c.id, labels: { ...c.labels }, snapshotKey: c.snapshotKey };
}

export class ContainerdRuntime implements Runtime {
  readonly content: ContainerdContentStore;
  readonly snapshots: ContainerdSnapshotter;
  readonly differ: ContainerdDiffer;
  readonly namespace: string;
  private readonly conn: Connection;
  private readonly subscriptions = new Set<() => void>();

  constructor(options: ContainerdRuntimeOptions) {
    this.namespace = options.namespace;
    this.conn = new Connection(options.address, options.namespace);
    this.content = new ContainerdContentStore(this.conn);
    this.snapshots = new ContainerdSnapshotter(this.conn);
    this.differ = new ContainerdDiffer(this.conn);
  }

  get address(): string {
    return this.conn.address;
  }

  async version(): Promise<{ version: string; revision: string; address: string; namespace: string }> {
    const res = await this.conn.unary<{ version: string; revision: string }>('version', 'Version', {});
    return { version: res.version, revision: res.revision, address: this.address, namespace: this.namespace };
  }

  async collectGarbage(): Promise<void> {
    // containerd has no GC call of its own; deleting a lease with `sync` runs a full collection
    // (metadata, then content and snapshotter cleanup) before it answers.
    const id = `berth-gc-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
    await this.conn.unary('leases', 'Create', { id, labels: {} });
    await this.conn.unary('leases', 'Delete', { id, sync: true });
  }

  /** Creates the image lease now (it is otherwise created lazily on first use). */
  ensureImageLease(): Promise<void> {
    return this.conn.ensureLease();
  }

  async createContainer(options: CreateRuntimeContainerOptions): Promise<void> {
    await this.conn.unary('containers', 'Create', {
      container: {
        id: options.id,
        labels: options.labels,
        image: options.image,
        runtime: { name: options.runtime, ...(options.runtimeBinary ? { options: runcOptionsAny({ binaryName: options.runtimeBinary }) } : {}) },
        spec: jsonAny(SPEC_TYPE_URL, options.spec),
        snapshotter: SNAPSHOTTER,
        snapshotKey: options.snapshotKey,
      },
    });
  }

  async updateContainerSpec(id: string, spec: object): Promise<void> {
    await this.conn.unary('containers', 'Update', {
      container: { id, spec: jsonAny(SPEC_TYPE_URL, spec) },
      updateMask: { paths: ['spec'] },
    });
  }

  async getContainer(id: string): Promise<RuntimeContainer | undefined> {
    try {
      const res = await this.conn.unary<{ container: WireContainer | null }>('containers', 'Get', { id });
      return res.container ? toRuntimeContainer(res.container) : undefined;
    } catch (err) {
      return ignoreNotFound(err);
    }
  }

  async listContainers(): Promise<RuntimeContainer[]> {
    const res = await this.conn.unary<{ containers: WireContainer[] }>('containers', 'List', { filters: [] });
    return res.containers.map(toRuntimeContainer);
  }

  async deleteContainer(id: string): Promise<void> {
    await this.conn.unary('containers', 'Delete', { id }).catch(ignoreNotFound);
  }

  async createTask(id: string, io: TaskIOPaths, rootfs: Mount[]): Promise<{ pid: number }> {
    const res = await this.conn.unary<{ pid: number }>('tasks', 'Create', {
      containerId: id,
      rootfs: rootfs.map(fromMount),
      stdin: io.stdin,
      stdout: io.stdout,
      stderr: io.stderr,
      terminal: io.terminal,
    });
    return { pid: res.pid };
  }

  async startTask(id: string, execId = ''): Promise<{ pid: number }> {
    const res = await this.conn.unary<{ pid: number }>('tasks', 'Start', { containerId: id, execId });
    return { pid: res.pid };
  }

  async deleteTask(id: string): Promise<{ exitStatus: number; exitedAt: Date } | undefined> {
    try {
      const res = await this.conn.unary<{ exitStatus: number; exitedAt: WireTimestamp | null }>('tasks', 'Delete', {
        containerId: id,
      });
      return { exitStatus: res.exitStatus, exitedAt: toDate(res.exitedAt) };
    } catch (err) {
      return ignoreNotFound(err);
    }
  }

  async getTask(id: string): Promise<TaskState | undefined> {
    try {
      const res = await this.conn.unary<{ process: WireProcess | null }>('tasks', 'Get', { containerId: id, execId: '' });
      if (!res.process) return undefined;
      const state = toTaskState(res.process);
      state.containerId = id;
      return state;
    } catch (err) {
      return ignoreNotFound(err);
    }
  }

  async listTasks(): Promise<TaskState[]> {
    const res = await this.conn.unary<{ tasks: WireProcess[] }>('tasks', 'List', { filter: '' });
    return res.tasks.map(toTaskState);
  }

  async killTask(id: string, signal: number, options: { all?: boolean; execId?: string } = {}): Promise<void> {
    await this.conn.unary('tasks', 'Kill', {
      containerId: id,
      execId: options.execId ?? '',
      signal,
      all: options.all ?? false,
    });
  }

  async resizePty(id: string, execId: string, width: number, height: number): Promise<void> {
    await this.conn.unary('tasks', 'ResizePty', { containerId: id, execId, width, height });
  }

  async closeStdin(id: string, execId: string): Promise<void> {
    await this.conn.unary('tasks', 'CloseIO', { containerId: id, execId, stdin: true });
  }

  async pauseTask(id: string): Promise<void> {
    await this.conn.unary('tasks', 'Pause', { containerId: id });
  }

  async resumeTask(id: string): Promise<void> {
    await this.conn.unary('tasks', 'Resume', { containerId: id });
  }

  async listPids(id: string): Promise<number[]> {
    const res = await this.conn.unary<{ processes: Array<{ pid: number }> }>('tasks', 'ListPids', { containerId: id });
    return res.processes.map((p) => p.pid);
  }

  async updateTask(id: string, resources: object): Promise<void> {
    await this.conn.unary('tasks', 'Update', { containerId: id, resources: jsonAny(RESOURCES_TYPE_URL, resources), annotations: {} });
  }

  async waitTask(id: string, execId = ''): Promise<{ exitStatus: number; exitedAt: Date }> {
    const res = await this.conn.unary<{ exitStatus: number; exitedAt: WireTimestamp | null }>(
      'tasks',
      'Wait',
      { containerId: id, execId },
      { deadline: false },
    );
    return { exitStatus: res.exitStatus, exitedAt: toDate(res.exitedAt) };
  }

  async exec(id: string, execId: string, processSpec: object, io: TaskIOPaths): Promise<void> {
    await this.conn.unary('tasks', 'Exec', {
      containerId: id,
      execId,
      stdin: io.stdin,
      stdout: io.stdout,
      stderr: io.stderr,
      terminal: io.terminal,
      spec: jsonAny(PROCESS_TYPE_URL, processSpec),
    });
  }

  /** Not-found is not an error (the process, or its whole task, is already gone). */
  async deleteProcess(id: string, execId: string): Promise<void> {
    await this.conn.unary('tasks', 'DeleteProcess', { containerId: id, execId }).catch(ignoreNotFound);
  }

  subscribe(onEvent: (event: RuntimeEvent) => void, onReconnect?: () => void): () => void {
    const stop = subscribeEvents(this.conn, onEvent, onReconnect);
    const unsubscribe = (): void => {
      this.subscriptions.delete(unsubscribe);
      stop();
    };
    this.subscriptions.add(unsubscribe);
    return unsubscribe;
  }

  close(): void {
    for (const unsubscribe of [...this.subscriptions]) unsubscribe();
    this.conn.close();
  }
}
