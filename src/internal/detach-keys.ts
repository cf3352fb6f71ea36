// Parses detach key sequences ("ctrl-p,ctrl-q", "ctrl-a,a") into bytes, like Docker's term package.
import { InvalidParameterError } from '../errdefs/index.js';

export const DEFAULT_DETACH_KEYS = 'ctrl-p,ctrl-q';

export function parseDetachKeys(spec: string): Buffer {
  const out: number[] = [];
  for (const key of spec.split(',')) {
    const k = key.trim();
    if (k.length === 1) { out.push(k.charCodeAt(0)); continue; }
    const m = /^ctrl-(.)$/.exec(k);
    if (!m) throw new InvalidParameterError(`Invalid detach keys (${spec}) provided`);
    const c = m[1]!;
    if (c >= 'a' && c <= 'z') out.push(c.charCodeAt(0) - 96);
    else if (c === '@') out.push(0);
    else if (c === '[') out.push(27);
    else if (c === '\\') out.push(28);
    else if (c === ']') out.push(29);
    else if (c === '^') out.push(30);
    else if (c === '_') out.push(31);
    else throw new InvalidParameterError(`Invalid detach keys (${spec}) provided`);
  }
  return Buffer.from(out);
}

/**
 * Scans stdin for the detach sequence across chunk boundaries. Bytes that might start the
 * sequence are held back until it is clear they do not.
 */
export class DetachScanner {
  private matched = 0;
  constructor(private readonly keys: Buffer) {}

  /** Returns the bytes to forward and whether the sequence was seen. */
  push(chunk: Buffer): { forward: Buffer; detach: boolean } {
    if (this.keys.length === 0) return { forward: chunk, detach: false };
    const out: number[] = [];
    for (const byte of chunk) {
      if (byte === this.keys[this.matched]) {
        this.matched++;
        if (this.matched === this.keys.length) return { forward: Buffer.from(out), detach: true };
        continue;
      }
      if (this.matched > 0) { out.push(...this.keys.subarray(0, this.matched)); this.matched = 0; }
      if (byte === this.keys[0]) { this.matched = 1; continue; }
      out.push(byte);
    }
    return { forward: Buffer.from(out), detach: false };
  }
}
