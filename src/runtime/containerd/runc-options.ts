// containerd.runc.v1.Options, the runc v2 shim's per-container options, encoded by hand: berthd
// sets only `binary_name` (field 6, the OCI runtime binary the shim runs instead of `runc`). The
// shim keeps them in the bundle, so exec, pause, update and delete after a restart use the same binary.
import type { WireAny } from './wire.js';

/** bare name, no type.googleapis.com/ prefix (containerd's typeurl registry for the runc shim) */
export const RUNC_OPTIONS_TYPE_URL = 'containerd.runc.v1.Options';

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) { out.push((n & 0x7f) | 0x80); n >>>= 7; }
  out.push(n);
  return out;
}

function stringField(field: number, value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  return Buffer.concat([Buffer.from([(field << 3) | 2, ...varint(bytes.length)]), bytes]);
}

export function runcOptionsAny(options: { binaryName: string }): WireAny {
  return { type_url: RUNC_OPTIONS_TYPE_URL, value: stringField(6, options.binaryName) };
}
