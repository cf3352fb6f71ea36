// GroupedRuntime: the Runtime the container modules use, with containers sharing runc v2 shims.
// It wraps another Runtime (containerd) and changes only what grouping needs: a container's spec
// gets its group annotation when the containerd container is made, a task's deletion waits until
// it cannot strand a joining neighbour, and one hidden anchor task keeps one group's shim warm.
//
// What a shim crash costs: every task of its group. containerd notices the closed connection,
// runs the shim's cleanup (runc delete --force: the group's containers are killed) and publishes a
// TaskExit with status 137 for each of them; berthd records them as exited with 137 and applies
// their restart policies as for any exit. The anchor then is gone too and is made again, in the
// group of the next task that starts.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type {
  CreateRuntimeContainerOptions,
  Differ,
  ContentStore,
  Mount,
  Runtime,
  RuntimeContainer,
  RuntimeEvent,
  Snapshotter,
  TaskIOPaths,
  TaskState,
} from '../runtime.js';
import { ShimGroupPolicy } from './group-policy.js';
import { ANCHOR_ID, ANCHOR_LABEL, anchorRuns, anchorSpec, GROUP_ANNOTATION, GROUP_LABEL, prepareAnchorRoot } from './shim-anchor.js';

export interface GroupedRuntimeOptions {
  /** tasks per shim (at least 2) */
  groupSize: number;
  /** keep one group's shim warm with a hidden anchor task */
  anchor: boolean;
  /** where the anchor's root directory lives (under the exec root) */
  anchorDir: string;
  /**
   * the anchor's container ID: unique per berthd (the runc shim keeps every task's state under one
   * root for the whole host, /run/containerd/runc/<namespace>, so two berthds must not share it)
   */
  anchorId?: string;
  /** runtime name for the anchor's containerd container, e.g. "io.containerd.runc.v2" */
  runtimeName: string;
  log: (msg: string) => void;
  /**
   * berthd's shim front (src/runtime/selection/shim-front.ts): each grouped container's shim socket
   * is left in `dir`/<container id>, so that `start` of a task joining a running shim needs no
   * shim binary
   */
  shimSockets?: { dir: string; socketOf: (group: string) => string };
}

/** How long a leaving last member waits for neighbours whose task creation is on its way. */
const JOIN_WAIT_MS = 30_000;

export class GroupedRuntime implements Runtime {
  readonly policy: ShimGroupPolicy;
  private anchorPending: Promise<void> | undefined;
  private unsubscribe: (() => void) | undefined;
  private closing = false;

  private readonly anchorId: string;

  constructor(private readonly inner: Runtime, private readonly options: GroupedRuntimeOptions) {
    this.anchorId = options.anchorId ?? ANCHOR_ID;
    this.policy = new ShimGroupPolicy(options.groupSize, () => `berth-${crypto.randomBytes(6).toString('hex')}`);
  }

  get content(): ContentStore { return this.inner.content; }
  get snapshots(): Snapshotter { return this.inner.snapshots; }
  get differ(): Differ { return this.inner.differ; }

  /**
   * Learns which tasks already share which shims (berthd restarted while they ran) and adopts the
   * anchor if it is still there. Call before any container starts.
   */
  async init(): Promise<void> {
    const [containers, tasks] = await Promise.all([this.inner.listContainers(), this.inner.listTasks()]);
    const withTask = new Map(tasks.map((t) => [t.containerId, t]));
    for (const c of containers) {
      const group = c.labels[GROUP_LABEL];
      if (!group) continue;
      const task = withTask.get(c.id);
      if (c.id === this.anchorId) {
        const alive = task?.status === 'running' || task?.status === 'created';
        if (this.options.anchor && alive) this.policy.setAnchor(this.anchorId, group);
        else await this.removeAnchor();
        continue;
      }
      if (task) this.policy.adopt(c.id, group);
    }
    this.unsubscribe = this.inner.subscribe((e) => this.onEvent(e));
    const anchor = this.policy.anchor;
    if (anchor) this.options.log(`shim anchor adopted (group ${anchor.group})`);
  }

  /** berthd stops its containers (no live-restore): the anchor goes too, and with it the last shim. */
  async removeAnchor(): Promise<void> {
    this.closing = true;
    await this.anchorPending?.catch(() => undefined);
    await this.inner.killTask(this.anchorId, 9).catch(() => undefined);
    for (let i = 0; i < 20; i++) {
      const task = await this.inner.getTask(this.anchorId).catch(() => undefined);
      if (!task) break;
      if (task.status === 'stopped' && await this.inner.deleteTask(this.anchorId).then(() => true, () => false)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await this.inner.deleteContainer(this.anchorId).catch(() => undefined);
    this.policy.left(this.anchorId);
    this.closing = false;
  }

  async createContainer(options: CreateRuntimeContainerOptions): Promise<void> {
    const group = this.policy.assign(options.id);
    const spec = options.spec as { annotations?: Record<string, string> };
    try {
      this.noteSocket(options.id, group);
      await this.inner.createContainer({
        ...options,
        spec: { ...spec, annotations: { ...spec.annotations, [GROUP_ANNOTATION]: group } },
        labels: { ...options.labels, [GROUP_LABEL]: group },
      });
    } catch (err) {
      this.policy.left(options.id);
      throw err;
    }
  }

  async createTask(id: string, io: TaskIOPaths, rootfs: Mount[]): Promise<{ pid: number }> {
    let ok = false;
    try {
      const res = await this.inner.createTask(id, io, rootfs);
      ok = true;
      return res;
    } finally {
      this.policy.joined(id, ok);
      if (ok) this.ensureAnchor(id);
    }
  }

  async deleteTask(id: string): Promise<{ exitStatus: number; exitedAt: Date } | undefined> {
    await Promise.race([this.policy.leaving(id), new Promise((r) => setTimeout(r, JOIN_WAIT_MS).unref())]);
    const res = await this.inner.deleteTask(id);
    this.policy.left(id);
    return res;
  }

  async deleteContainer(id: string): Promise<void> {
    await this.inner.deleteContainer(id);
    this.policy.left(id);
    this.forgetSocket(id);
  }

  /** For the shim front: `id`'s task joins `group`'s shim (a stale file is harmless: the front checks the socket). */
  private noteSocket(id: string, group: string): void {
    const s = this.options.shimSockets;
    if (!s) return;
    try {
      fs.writeFileSync(path.join(s.dir, id), s.socketOf(group));
    } catch {
      // then the shim binary finds the group's socket itself
    }
  }

  private forgetSocket(id: string): void {
    const s = this.options.shimSockets;
    if (s) fs.rmSync(path.join(s.dir, id), { force: true });
  }

  /** The anchor joins the group `member` has just established (its shim is up: joining is cheap). */
  private ensureAnchor(member: string): void {
    if (!this.options.anchor || this.closing || this.anchorPending || this.policy.anchor) return;
    const group = this.policy.groupNameOf(member);
    if (!group || !this.policy.assignTo(this.anchorId, group)) return;
    this.anchorPending = this.createAnchor(group)
      .catch(async (err: unknown) => {
        this.options.log(`shim anchor: ${(err as Error).message ?? String(err)} (containers still share shims; none is kept warm)`);
        await this.inner.deleteTask(this.anchorId).catch(() => undefined);
        await this.inner.deleteContainer(this.anchorId).catch(() => undefined);
        this.policy.left(this.anchorId);
      })
      .finally(() => { this.anchorPending = undefined; });
  }

  private async createAnchor(group: string): Promise<void> {
    let created = false;
    try {
      await this.inner.deleteTask(this.anchorId).catch(() => undefined);
      await this.inner.deleteContainer(this.anchorId);
      const root = prepareAnchorRoot(this.options.anchorDir);
      const runs = anchorRuns();
      this.noteSocket(this.anchorId, group);
      await this.inner.createContainer({
        id: this.anchorId, image: '', labels: { [ANCHOR_LABEL]: 'true', [GROUP_LABEL]: group },
        spec: anchorSpec(root, group, runs), snapshotKey: '', runtime: this.options.runtimeName,
      });
      await this.inner.createTask(this.anchorId, { stdin: '', stdout: '', stderr: '', terminal: false }, []);
      created = true;
      if (runs) await this.inner.startTask(this.anchorId);
    } finally {
      this.policy.joined(this.anchorId, created);
    }
    this.policy.setAnchor(this.anchorId, group);
  }

  /** The anchor ends only with its shim (or when killed): its group may now empty. */
  private onEvent(e: RuntimeEvent): void {
    if (e.type !== 'exit' || e.event.containerId !== this.anchorId || e.event.execId || this.closing) return;
    this.options.log(`shim anchor exited (${e.event.exitStatus}): its shim is gone; a new anchor comes with the next container`);
    this.policy.clearAnchor();
    void this.inner.deleteTask(this.anchorId).catch(() => undefined)
      .then(() => this.inner.deleteContainer(this.anchorId).catch(() => undefined))
      .then(() => this.policy.left(this.anchorId));
  }

  // ---- everything else passes through ----
  version(): ReturnType<Runtime['version']> { return this.inner.version(); }
  collectGarbage(): Promise<void> { return this.inner.collectGarbage(); }
  updateContainerSpec(id: string, spec: object): Promise<void> { return this.inner.updateContainerSpec(id, spec); }
  getContainer(id: string): Promise<RuntimeContainer | undefined> { return this.inner.getContainer(id); }
  listContainers(): Promise<RuntimeContainer[]> { return this.inner.listContainers(); }
  startTask(id: string, execId?: string): Promise<{ pid: number }> { return this.inner.startTask(id, execId); }
  getTask(id: string): Promise<TaskState | undefined> { return this.inner.getTask(id); }
  listTasks(): Promise<TaskState[]> { return this.inner.listTasks(); }
  killTask(id: string, signal: number, options?: { all?: boolean; execId?: string }): Promise<void> { return this.inner.killTask(id, signal, options); }
  resizePty(id: string, execId: string, width: number, height: number): Promise<void> { return this.inner.resizePty(id, execId, width, height); }
  closeStdin(id: string, execId: string): Promise<void> { return this.inner.closeStdin(id, execId); }
  pauseTask(id: string): Promise<void> { return this.inner.pauseTask(id); }
  resumeTask(id: string): Promise<void> { return this.inner.resumeTask(id); }
  listPids(id: string): Promise<number[]> { return this.inner.listPids(id); }
  updateTask(id: string, resources: object): Promise<void> { return this.inner.updateTask(id, resources); }
  waitTask(id: string, execId?: string): Promise<{ exitStatus: number; exitedAt: Date }> { return this.inner.waitTask(id, execId); }
  exec(id: string, execId: string, processSpec: object, io: TaskIOPaths): Promise<void> { return this.inner.exec(id, execId, processSpec, io); }
  deleteProcess(id: string, execId: string): Promise<void> { return this.inner.deleteProcess(id, execId); }
  subscribe(onEvent: (event: RuntimeEvent) => void, onReconnect?: () => void): () => void { return this.inner.subscribe(onEvent, onReconnect); }
  close(): void {
    this.unsubscribe?.();
    this.inner.close();
  }
}
