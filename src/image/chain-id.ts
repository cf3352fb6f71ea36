// Chain IDs name a layer *together with everything below it* (OCI image spec, "ChainID"): the same
// diff on top of different parents is a different filesystem, so snapshots are keyed by chain ID.
import { createHash } from 'node:crypto';

/** chain[0] = diff[0]; chain[n] = sha256(chain[n-1] + " " + diff[n]). Returns one entry per layer. */
export function chainIds(diffIds: readonly string[]): string[] {
  const out: string[] = [];
  for (const diffId of diffIds) {
    const parent = out[out.length - 1];
    out.push(parent === undefined ? diffId : `sha256:${createHash('sha256').update(`${parent} ${diffId}`).digest('hex')}`);
  }
  return out;
}

/** The chain ID of the whole stack (the top layer's), or undefined for an image with no layers. */
export function chainId(diffIds: readonly string[]): string | undefined {
  const all = chainIds(diffIds);
  return all[all.length - 1];
}
