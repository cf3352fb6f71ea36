// HostConfig.Devices (host device → container path with cgroup permissions), DeviceCgroupRules and
// Privileged's "all host devices": device nodes for the spec plus their device-cgroup rules.
import fs from 'node:fs';
import path from 'node:path';
import type { DeviceMapping } from '../api/types/host-config.js';
import { InvalidParameterError } from '../errdefs/index.js';
import type { OciDeviceRule, SpecOption } from './spec.js';

export interface OciDevice {
  path: string;
  type: 'c' | 'b';
  major: number;
  minor: number;
  fileMode: number;
  uid: number;
  gid: number;
}

/** Linux's dev_t encoding (glibc's major()/minor()). */
export function splitDev(rdev: bigint): { major: number; minor: number } {
  const major = Number(((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn));
  const minor = Number((rdev & 0xffn) | ((rdev >> 12n) & ~0xffn));
  return { major, minor };
}

function deviceAt(hostPath: string, containerPath: string): OciDevice | undefined {
  const st = fs.statSync(hostPath, { bigint: true });
  const type = st.isCharacterDevice() ? 'c' : st.isBlockDevice() ? 'b' : undefined;
  if (!type) return undefined;
  return {
    path: containerPath, type, ...splitDev(st.rdev), fileMode: Number(st.mode & 0o777n), uid: Number(st.uid), gid: Number(st.gid),
  };
}

const ERRNO_TEXT: Record<string, string> = { ENOENT: 'no such file or directory', EACCES: 'permission denied', ENOTDIR: 'not a directory' };
function errnoText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  return (code && ERRNO_TEXT[code]) ?? (err as Error).message;
}

/** The devices of one mapping: a device node, or every device under a directory (as dockerd). */
export function devicesForMapping(m: DeviceMapping): Array<{ device: OciDevice; rule: OciDeviceRule }> {
  const perms = m.CgroupPermissions || 'rwm';
  if (!/^[rwm]{1,3}$/.test(perms)) throw new InvalidParameterError(`invalid device mode: ${perms}`);
  const target = m.PathInContainer || m.PathOnHost;
  const wrap = (err: unknown): InvalidParameterError =>
    new InvalidParameterError(`error gathering device information while adding custom device "${m.PathOnHost}": ${errnoText(err)}`, { cause: err });
  let st: fs.Stats;
  try { st = fs.statSync(m.PathOnHost); } catch (err) { throw wrap(err); }
  const out: Array<{ device: OciDevice; rule: OciDeviceRule }> = [];
  const push = (d: OciDevice | undefined): void => {
    if (d) out.push({ device: d, rule: { allow: true, type: d.type, major: d.major, minor: d.minor, access: perms } });
  };
  if (st.isDirectory()) {
    const walk = (dir: string): void => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.isCharacterDevice() || e.isBlockDevice()) push(deviceAt(p, path.join(target, path.relative(m.PathOnHost, p))));
      }
    };
    walk(m.PathOnHost);
  } else {
    const d = deviceAt(m.PathOnHost, target);
    if (!d) throw new InvalidParameterError(`error gathering device information while adding custom device "${m.PathOnHost}": not a device node`);
    push(d);
  }
  return out;
}

/** "c 1:3 rwm", "b *:* m" → a device-cgroup rule. */
export function parseDeviceCgroupRule(rule: string): OciDeviceRule {
  const m = /^([acb]) ([0-9]+|\*):([0-9]+|\*) ([rwm]{1,3})$/.exec(rule.trim());
  if (!m) throw new InvalidParameterError(`invalid device cgroup rule format: '${rule}'`);
  const num = (v: string): number | undefined => (v === '*' ? undefined : Number(v));
  const major = num(m[2]!); const minor = num(m[3]!);
  return { allow: true, type: m[1]!, ...(major !== undefined ? { major } : {}), ...(minor !== undefined ? { minor } : {}), access: m[4]! };
}

/** Mapped devices at a path the spec already has (privileged: all of /dev) are skipped, as dockerd does. */
export const withDevices = (mappings: DeviceMapping[], rules: string[]): SpecOption => (s) => {
  const devices = (s.linux.devices as OciDevice[] | undefined) ?? [];
  const paths = new Set(devices.map((d) => d.path));
  for (const m of mappings) {
    for (const { device, rule } of devicesForMapping(m)) {
      if (paths.has(device.path)) continue;
      paths.add(device.path);
      devices.push(device);
      s.linux.resources.devices.push(rule);
    }
  }
  for (const r of rules) s.linux.resources.devices.push(parseDeviceCgroupRule(r));
  if (devices.length) s.linux.devices = devices;
};

/** Every device node under the host's /dev (privileged containers), skipping the pty/console nodes runc creates itself. */
export function hostDevices(root = '/dev'): OciDevice[] {
  const out: OciDevice[] = [];
  const skip = new Set(['/dev/pts', '/dev/shm', '/dev/mqueue', '/dev/console', '/dev/ptmx', '/dev/tty']);
  const walk = (dir: string): void => {
    let entries: fs.Dirent[];
    try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { return; }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (skip.has(p)) continue;
      if (e.isDirectory()) walk(p);
      else if (e.isCharacterDevice() || e.isBlockDevice()) {
        try { const d = deviceAt(p, p); if (d) out.push(d); } catch { /* vanished */ }
      }
    }
  };
  walk(root);
  return out;
}

/** Privileged: all capabilities are set elsewhere; here every device, no masked paths, writable /sys. */
export const withPrivileged = (devices: OciDevice[]): SpecOption => (s) => {
  s.linux.devices = devices;
  s.linux.resources.devices = [{ allow: true, access: 'rwm' }];
  s.linux.maskedPaths = [];
  s.linux.readonlyPaths = [];
  for (const m of s.mounts) {
    if (m.destination === '/sys' || m.destination === '/sys/fs/cgroup') m.options = (m.options ?? []).filter((o) => o !== 'ro').concat('rw');
  }
};
