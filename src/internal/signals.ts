// Signal names and numbers on Linux, parsed the way dockerd does (`SIGKILL`, `KILL`, `9`).
import os from 'node:os';
import { InvalidParameterError } from '../errdefs/index.js';

const SIGNALS = os.constants.signals as Record<string, number>;

export function parseSignal(value: string): number {
  const v = value.trim();
  if (/^[0-9]+$/.test(v)) {
    const n = Number(v);
    if (n <= 0 || n > 64) throw new InvalidParameterError(`Invalid signal: ${value}`);
    return n;
  }
  const name = v.toUpperCase().startsWith('SIG') ? v.toUpperCase() : `SIG${v.toUpperCase()}`;
  const rt = /^SIGRTMIN(\+([0-9]+))?$/.exec(name) ?? /^SIGRTMAX(-([0-9]+))?$/.exec(name);
  if (rt) return name.startsWith('SIGRTMIN') ? 34 + Number(rt[2] ?? 0) : 64 - Number(rt[2] ?? 0);
  const n = SIGNALS[name];
  if (n === undefined) throw new InvalidParameterError(`Invalid signal: ${value}`);
  return n;
}
