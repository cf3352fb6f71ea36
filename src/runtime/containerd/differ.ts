// containerd's diff service: Apply unpacks a layer blob (from the content store) onto mounts with
// whiteouts, ownership and xattrs; Diff writes a new layer blob into the content store.
import type { Descriptor, Differ, Mount } from '../runtime.js';
import type { Connection } from './connection.js';
import { fromDescriptor, fromMount, toDescriptor, type WireDescriptor } from './wire.js';

export class ContainerdDiffer implements Differ {
  constructor(private readonly conn: Connection) {}

  async apply(layer: Descriptor, mounts: Mount[]): Promise<Descriptor> {
    const res = await this.conn.unary<{ applied: WireDescriptor | null }>(
      'diff',
      'Apply',
      { diff: fromDescriptor(layer), mounts: mounts.map(fromMount), payloads: {} },
      { lease: true },
    );
    return toDescriptor(res.applied);
  }

  async diff(
    lower: Mount[],
    upper: Mount[],
    options: { mediaType?: string; ref?: string; labels?: Record<string, string> } = {},
  ): Promise<Descriptor> {
    // the lease keeps the new blob until an image (or the caller) references it
    const res = await this.conn.unary<{ diff: WireDescriptor | null }>(
      'diff',
      'Diff',
      {
        left: lower.map(fromMount),
        right: upper.map(fromMount),
        mediaType: options.mediaType ?? '',
        ref: options.ref ?? '',
        labels: options.labels ?? {},
      },
      { lease: true },
    );
    return toDescriptor(res.diff);
  }
}
