// containerd's overlayfs snapshotter over gRPC. Prepare/View/Commit run under the image lease:
// layer snapshots must outlive the unpack that made them, and a container's active snapshot must
// survive the gap between Prepare and Containers.Create (a GC pass in that gap would remove it).
// Removal is always explicit (Tasks.Delete → Snapshots.Remove → Containers.Delete).
import { status as Status } from '@grpc/grpc-js';
import type { Mount, SnapshotInfo, SnapshotKind, Snapshotter } from '../runtime.js';
import type { Connection } from './connection.js';
import { fromGrpcError, grpcCode } from './errors.js';
import { toMount, type WireMount } from './wire.js';

export const SNAPSHOTTER = 'overlayfs';

const KINDS: Record<string, SnapshotKind> = {
  UNKNOWN: 'unknown',
  VIEW: 'view',
  ACTIVE: 'active',
  COMMITTED: 'committed',
};

interface WireInfo {
  name: string;
  parent: string;
  kind: string;
  labels: Record<string, string>;
}

const toInfo = (i: WireInfo): SnapshotInfo => ({ name: i.name, parent: i.parent, kind: KINDS[i.kind] ?? 'unknown', labels: { ...i.labels } });

interface MountsResponse {
  mounts: WireMount[];
}

export class ContainerdSnapshotter implements Snapshotter {
  constructor(private readonly conn: Connection, readonly name: string = SNAPSHOTTER) {}

  async prepare(key: string, parent: string | undefined, labels: Record<string, string> = {}): Promise<Mount[]> {
    const res = await this.conn.unary<MountsResponse>(
      'snapshots',
      'Prepare',
      { snapshotter: this.name, key, parent: parent ?? '', labels },
      { lease: true },
    );
    return res.mounts.map(toMount);
  }

  async view(key: string, parent: string, labels: Record<string, string> = {}): Promise<Mount[]> {
    const res = await this.conn.unary<MountsResponse>(
      'snapshots',
      'View',
      { snapshotter: this.name, key, parent, labels },
      { lease: true },
    );
    return res.mounts.map(toMount);
  }

  async mounts(key: string): Promise<Mount[]> {
    const res = await this.conn.unary<MountsResponse>('snapshots', 'Mounts', { snapshotter: this.name, key });
    return res.mounts.map(toMount);
  }

  async commit(name: string, key: string, labels: Record<string, string> = {}): Promise<void> {
    await this.conn.unary('snapshots', 'Commit', { snapshotter: this.name, name, key, labels }, { lease: true });
  }

  async remove(key: string): Promise<void> {
    await this.conn.unary('snapshots', 'Remove', { snapshotter: this.name, key });
  }

  async list(): Promise<SnapshotInfo[]> {
    const out: SnapshotInfo[] = [];
    const stream = this.conn.serverStream<{ info: WireInfo[] }>('snapshots', 'List', { snapshotter: this.name, filters: [] });
    try {
      for await (const msg of stream as AsyncIterable<{ info: WireInfo[] }>) for (const i of msg.info) out.push(toInfo(i));
    } catch (err) {
      throw fromGrpcError(err);
    }
    return out;
  }

  async stat(key: string): Promise<SnapshotInfo | undefined> {
    try {
      const res = await this.conn.unary<{ info: WireInfo | null }>('snapshots', 'Stat', { snapshotter: this.name, key });
      return res.info ? toInfo(res.info) : undefined;
    } catch (err) {
      if (grpcCode(err) === Status.NOT_FOUND) return undefined;
      throw err;
    }
  }

  async usage(key: string): Promise<{ size: number; inodes: number }> {
    const res = await this.conn.unary<{ size: number; inodes: number }>('snapshots', 'Usage', { snapshotter: this.name, key });
    return { size: res.size, inodes: res.inodes };
  }
}
