// The narrow runtime interface the daemon and the image store depend on. The containerd adapter
// (src/runtime/containerd/) implements it; nothing outside src/runtime imports containerd code.

export interface Mount {
  type: string;
  source: string;
  target?: string;
  options: string[];
}

export interface Descriptor {
  mediaType: string;
  /** "sha256:<hex>" */
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

export interface ContentInfo {
  digest: string;
  size: number;
  labels: Record<string, string>;
}

/** containerd's content store: blobs by digest. */
export interface ContentStore {
  info(digest: string): Promise<ContentInfo | undefined>;
  /**
   * Streams `data` into the store and commits it under `expectedDigest` (verified by containerd).
   * A blob that already exists is not written again. The blob is held by the image lease.
   */
  write(ref: string, data: AsyncIterable<Buffer> | Buffer, options: {
    expectedDigest: string;
    size: number;
    labels?: Record<string, string>;
  }): Promise<void>;
  read(digest: string): AsyncIterable<Buffer>;
  delete(digest: string): Promise<void>;
}

export type SnapshotKind = 'view' | 'active' | 'committed' | 'unknown';

export interface SnapshotInfo {
  name: string;
  parent: string;
  kind: SnapshotKind;
  labels: Record<string, string>;
}

/** containerd's overlayfs snapshotter. Image layers are committed snapshots named by chain ID. */
export interface Snapshotter {
  prepare(key: string, parent: string | undefined, labels?: Record<string, string>): Promise<Mount[]>;
  view(key: string, parent: string, labels?: Record<string, string>): Promise<Mount[]>;
  mounts(key: string): Promise<Mount[]>;
  commit(name: string, key: string, labels?: Record<string, string>): Promise<void>;
  remove(key: string): Promise<void>;
  stat(key: string): Promise<SnapshotInfo | undefined>;
  usage(key: string): Promise<{ size: number; inodes: number }>;
  /** Every snapshot of this snapshotter in the namespace. */
  list(): Promise<SnapshotInfo[]>;
}

/** containerd's diff service: applies a layer blob (tar, tar+gzip) onto mounts, and computes diffs. */
export interface Differ {
  apply(layer: Descriptor, mounts: Mount[]): Promise<Descriptor>;
  diff(lower: Mount[], upper: Mount[], options?: { mediaType?: string; ref?: string; labels?: Record<string, string> }): Promise<Descriptor>;
}

export type TaskStatus = 'unknown' | 'created' | 'running' | 'stopped' | 'paused' | 'pausing';

export interface TaskState {
  containerId: string;
  pid: number;
  status: TaskStatus;
  exitStatus: number;
  stdin: string;
  stdout: string;
  stderr: string;
  terminal: boolean;
}

/** FIFO paths (or empty strings) given to the shim. */
export interface TaskIOPaths {
  stdin: string;
  stdout: string;
  stderr: string;
  terminal: boolean;
}

export interface TaskExitEvent {
  containerId: string;
  /** empty for the container's init process; the exec id otherwise */
  execId: string;
  pid: number;
  exitStatus: number;
  exitedAt: Date;
}

export type RuntimeEvent =
  | { type: 'exit'; event: TaskExitEvent }
  | { type: 'oom'; containerId: string }
  | { type: 'paused'; containerId: string }
  | { type: 'resumed'; containerId: string };

export interface RuntimeContainer {
  id: string;
  labels: Record<string, string>;
  snapshotKey: string;
}

export interface CreateRuntimeContainerOptions {
  id: string;
  /** image reference recorded on the containerd container (informational) */
  image: string;
  labels: Record<string, string>;
  /** the OCI runtime spec, as a plain object; sent as JSON in an Any */
  spec: object;
  snapshotKey: string;
  /** runtime name, e.g. "io.containerd.runc.v2" */
  runtime: string;
  /** for the runc v2 shim: the OCI runtime binary it runs instead of `runc` (e.g. crun) */
  runtimeBinary?: string;
}

export interface Runtime {
  readonly content: ContentStore;
  readonly snapshots: Snapshotter;
  readonly differ: Differ;

  /** The runtime's version; `address` and `namespace` where it is reached (GET /info `Containerd`, 1.46). */
  version(): Promise<{ version: string; revision: string; address?: string; namespace?: string }>;
  /**
   * Frees the disk space of deleted blobs and removed snapshots now. containerd only unlinks them
   * from its metadata on delete; the files go at its next garbage collection, which its scheduler
   * may put off for tens of seconds on a busy host (49 × the average collection time).
   */
  collectGarbage(): Promise<void>;

  createContainer(options: CreateRuntimeContainerOptions): Promise<void>;
  /** Updates the stored OCI spec (used when a container is started again with changed settings). */
  updateContainerSpec(id: string, spec: object): Promise<void>;
  getContainer(id: string): Promise<RuntimeContainer | undefined>;
  listContainers(): Promise<RuntimeContainer[]>;
  /** Not-found is not an error. */
  deleteContainer(id: string): Promise<void>;

  /** The FIFOs in `io` must already be opened for reading by the caller. */
  createTask(id: string, io: TaskIOPaths, rootfs: Mount[]): Promise<{ pid: number }>;
  startTask(id: string, execId?: string): Promise<{ pid: number }>;
  /** Not-found is not an error; returns the exit status if the task had one. */
  deleteTask(id: string): Promise<{ exitStatus: number; exitedAt: Date } | undefined>;
  getTask(id: string): Promise<TaskState | undefined>;
  listTasks(): Promise<TaskState[]>;
  killTask(id: string, signal: number, options?: { all?: boolean; execId?: string }): Promise<void>;
  resizePty(id: string, execId: string, width: number, height: number): Promise<void>;
  closeStdin(id: string, execId: string): Promise<void>;
  pauseTask(id: string): Promise<void>;
  resumeTask(id: string): Promise<void>;
  listPids(id: string): Promise<number[]>;
  /** Applies new cgroup limits to a running task; `resources` is an OCI LinuxResources object. */
  updateTask(id: string, resources: object): Promise<void>;
  /** Blocks until the process exits. */
  waitTask(id: string, execId?: string): Promise<{ exitStatus: number; exitedAt: Date }>;
  exec(id: string, execId: string, processSpec: object, io: TaskIOPaths): Promise<void>;
  deleteProcess(id: string, execId: string): Promise<void>;

  /**
   * Delivers task events for this namespace. The subscription survives containerd restarts: after a
   * resubscribe, `onReconnect` fires so the caller can reconcile with listTasks().
   */
  subscribe(onEvent: (event: RuntimeEvent) => void, onReconnect?: () => void): () => void;

  close(): void;
}
