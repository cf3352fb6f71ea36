// The containerd part of a container's life, driven straight over berthd's own containerd client
// (src/runtime/containerd) without berthd: what a `docker run --rm`, a create/start/stop/rm or a
// `docker exec` costs in containerd, the shim and the OCI runtime alone. The floor scenarios
// (floor-scenarios.ts) time these next to the real thing.
//
// The template is a container berthd itself started: its containerd record gives the exact OCI
// spec, runtime (name and options: crun through berthd's wrapper, or runc) and shim group, and its
// snapshot's parent is the image's top layer. Each direct run copies that record with its own ID,
// its own cgroup and its own snapshot, and no I/O (berthd's FIFOs and log writer are berthd's cost).
import crypto from 'node:crypto';
import { ContainerdRuntime } from '../src/runtime/containerd/client.js';
import { Connection } from '../src/runtime/containerd/connection.js';
import { jsonAny, SPEC_TYPE_URL, type WireAny } from '../src/runtime/containerd/wire.js';
import type { Mount, TaskIOPaths } from '../src/runtime/runtime.js';
import { shimGoneWhileJoining } from '../src/runtime/shim-groups/grouped-runtime.js';

export interface ContainerdEndpoint { address: string; namespace: string }

interface WireContainerFull {
  id: string;
  labels: Record<string, string>;
  image: string;
  runtime: { name: string; options: WireAny | null } | null;
  spec: WireAny | null;
  snapshotter: string;
  snapshotKey: string;
}

interface OciSpec {
  process: { args: string[]; terminal?: boolean; [k: string]: unknown };
  annotations?: Record<string, string>;
  linux?: { cgroupsPath?: string; [k: string]: unknown };
  [k: string]: unknown;
}

const GROUP_ANNOTATION = 'io.containerd.runc.v2.group';
const NO_IO = { stdin: '', stdout: '', stderr: '', terminal: false };

export interface Template {
  id: string;
  spec: OciSpec;
  runtime: { name: string; options: WireAny | null };
  labels: Record<string, string>;
  image: string;
  snapshotter: string;
  /** the image's top layer (the parent of the template's snapshot) */
  parent: string;
}

export class DirectContainerd {
  readonly rt: ContainerdRuntime;
  private readonly conn: Connection;

  constructor(endpoint: ContainerdEndpoint) {
    this.rt = new ContainerdRuntime(endpoint);
    this.conn = new Connection(endpoint.address, endpoint.namespace);
  }

  /** containerd's record of a container berthd started (`id`: its full ID). */
  async template(id: string): Promise<Template> {
    const { container: c } = await this.conn.unary<{ container: WireContainerFull }>('containers', 'Get', { id });
    if (!c.spec || !c.runtime) throw new Error(`containerd container ${id} has no spec or runtime`);
    const info = await this.rt.snapshots.stat(c.snapshotKey);
    if (!info?.parent) throw new Error(`snapshot ${c.snapshotKey} has no parent`);
    const spec = JSON.parse(Buffer.from(c.spec.value).toString('utf8')) as OciSpec;
    return { id, spec, runtime: c.runtime, labels: c.labels, image: c.image, snapshotter: c.snapshotter, parent: info.parent };
  }

  /** The template's spec for a new container: its own command, cgroup and (optionally) shim group. */
  private specFor(t: Template, id: string, args: string[], group?: string): OciSpec {
    const spec = structuredClone(t.spec);
    spec.process = { ...spec.process, args, terminal: false };
    if (spec.linux?.cgroupsPath) spec.linux.cgroupsPath = spec.linux.cgroupsPath.replace(t.id, id);
    if (group !== undefined) spec.annotations = { ...spec.annotations, [GROUP_ANNOTATION]: group };
    return spec;
  }

  /** Snapshot, containerd container, task created and started (no I/O); returns the snapshot's mounts. */
  async start(t: Template, id: string, args: string[], group?: string): Promise<Mount[]> {
    const mounts = await this.rt.snapshots.prepare(id, t.parent);
    await this.startWithIO(t, id, args, mounts, NO_IO, group);
    return mounts;
  }

  /** Containerd container, task created and started on a prepared snapshot (key `id`) with the given stdio. */
  async startWithIO(t: Template, id: string, args: string[], mounts: Mount[], io: TaskIOPaths, group?: string): Promise<void> {
    const labels = { ...t.labels };
    if (group !== undefined) labels['com.berth.shim-group'] = group;
    await this.conn.unary('containers', 'Create', {
      container: {
        id, labels, image: t.image, runtime: t.runtime,
        spec: jsonAny(SPEC_TYPE_URL, this.specFor(t, id, args, group)), snapshotter: t.snapshotter, snapshotKey: id,
      },
    });
    // as berthd (grouped-runtime.ts): a group's shim that shut down between the socket check and
    // containerd's dial made no task, and a second try starts the group's shim again
    await this.rt.createTask(id, io, mounts).catch((err: unknown) => {
      if (!shimGoneWhileJoining(err)) throw err;
      return this.rt.createTask(id, io, mounts);
    });
    await this.rt.startTask(id);
  }

  /** Task, containerd container and snapshot deleted (as berthd's exit + AutoRemove). */
  async remove(id: string): Promise<void> {
    // a group's shim leaving as its last other task goes can close the connection of this Delete:
    // containerd then cleans up through the shim binary on the next one (gone already: not found)
    await this.rt.deleteTask(id).catch(async (err: unknown) => {
      if (!/ttrpc: closed/.test((err as Error).message)) throw err;
      await this.rt.deleteTask(id).catch((again: unknown) => { if (!/not found/i.test((again as Error).message)) throw again; });
    });
    await this.rt.deleteContainer(id);
    await this.rt.snapshots.remove(id);
  }

  /** `docker run --rm busybox true` without berthd: returns the exit status. */
  async runRm(t: Template, args: string[], group?: string): Promise<number> {
    const id = newId();
    await this.start(t, id, args, group);
    const { exitStatus } = await this.rt.waitTask(id);
    await this.remove(id);
    return exitStatus;
  }

  /** create, start, stop (SIGKILL, as `stop?t=0`), delete. */
  async createStartStopRm(t: Template): Promise<number> {
    const id = newId();
    await this.start(t, id, ['sleep', '300']);
    const waited = this.rt.waitTask(id);
    await this.rt.killTask(id, 9, { all: true });
    const { exitStatus } = await waited;
    await this.remove(id);
    return exitStatus;
  }

  /** `docker exec <template> sh -c 'exit 7'` without berthd: returns the exit status. */
  async exec(t: Template, args: string[]): Promise<number> {
    const execId = `floor-${crypto.randomBytes(6).toString('hex')}`;
    await this.rt.exec(t.id, execId, { ...t.spec.process, args, terminal: false }, NO_IO);
    await this.rt.startTask(t.id, execId);
    const { exitStatus } = await this.rt.waitTask(t.id, execId);
    await this.rt.deleteProcess(t.id, execId);
    return exitStatus;
  }

  close(): void {
    this.rt.close();
    this.conn.close();
  }
}

export function newId(): string {
  return crypto.randomBytes(32).toString('hex');
}
