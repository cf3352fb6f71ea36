// The process's capability sets from dockerd's defaults, CapAdd/CapDrop ("ALL" allowed, names with
// or without the CAP_ prefix, any case) and Privileged (every capability the kernel knows).
import fs from 'node:fs';
import { InvalidParameterError } from '../errdefs/index.js';
import { DEFAULT_CAPABILITIES, type SpecOption } from './spec.js';

/** Linux capabilities by number (CAP_CHOWN = 0 …). */
export const ALL_CAPABILITIES = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_ADMIN',
  'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE',
  'CAP_SYS_PACCT', 'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE', 'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL', 'CAP_SETFCAP',
  'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ',
  'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
];

let kernelCaps: string[] | undefined;
/**
 * The capabilities a container can get here: those the kernel has (cap_last_cap) and that are in
 * our own bounding set (CapBnd), which runc inherits through containerd; asking for more makes runc
 * fail with "unable to apply caps".
 */
export function kernelCapabilities(): string[] {
  if (!kernelCaps) {
    let last = ALL_CAPABILITIES.length - 1;
    try { last = Number(fs.readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8').trim()); } catch { /* assume all */ }
    let bounding = (1n << 64n) - 1n;
    try {
      const m = /^CapBnd:\s*([0-9a-f]+)/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
      if (m) bounding = BigInt(`0x${m[1]}`);
    } catch { /* assume all */ }
    kernelCaps = ALL_CAPABILITIES.slice(0, Math.min(last, ALL_CAPABILITIES.length - 1) + 1)
      .filter((_, i) => (bounding >> BigInt(i)) & 1n);
  }
  return kernelCaps;
}

/**
 * "net_admin" / "NET_ADMIN" / "CAP_NET_ADMIN" → "CAP_NET_ADMIN"; "ALL" stays "ALL". A single string
 * is one capability (the API's CapAdd/CapDrop are Go StrSlices, which accept one).
 */
export function normalizeCapabilities(caps: string[] | string | null | undefined): string[] {
  const out: string[] = [];
  for (const raw of typeof caps === 'string' ? [caps] : caps ?? []) {
    const c = raw.trim().toUpperCase();
    if (c === 'ALL') { out.push('ALL'); continue; }
    const name = c.startsWith('CAP_') ? c : `CAP_${c}`;
    if (!ALL_CAPABILITIES.includes(name)) throw new InvalidParameterError(`unknown capability: "${name}"`);
    out.push(name);
  }
  return out;
}

/** dockerd's TweakCapabilities: drops apply to the defaults, adds win over drops, ALL expands. */
export function effectiveCapabilities(capAdd: string[] | null | undefined, capDrop: string[] | null | undefined, privileged: boolean): string[] {
  const known = kernelCapabilities();
  if (privileged) return [...known];
  const add = normalizeCapabilities(capAdd);
  const drop = normalizeCapabilities(capDrop);
  if (add.includes('ALL')) return [...known];
  let caps = drop.includes('ALL') ? [] : DEFAULT_CAPABILITIES.filter((c) => !drop.includes(c));
  for (const c of add) if (!caps.includes(c)) caps.push(c);
  caps = caps.filter((c) => known.includes(c));
  return caps;
}

export const withCapabilities = (caps: string[]): SpecOption => (s) => {
  s.process.capabilities = { bounding: [...caps], effective: [...caps], permitted: [...caps] };
};
