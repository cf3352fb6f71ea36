// crun on a hybrid cgroup host: crun 1.8 refuses `create`/`run` while /sys/fs/cgroup/unified (a
// cgroup2 with controllers) is mounted, and accepts the plain v1 layout. The runc shim runs this
// script (its BinaryName) instead of crun: `create` and `run` run crun in a fresh mount namespace of
// their own (a copy of the host's made at that moment, so every host mount made so far is seen)
// without the unified hierarchy; every other subcommand (exec, update, pause, resume, kill, delete,
// ps, state: they work on the host as it is) execs crun directly. containerd and the shims stay in
// the host's mount namespace.
//
// Why a copy per create and not one namespace made once: this host's `/` is a private mount, so a
// namespace made at start would never see the mounts made later in the host's (each container's
// rootfs, which the shim mounts just before `crun create`, volumes, network namespace files).
//
// Speed (issue 15): with busybox (static) the script is a busybox sh script and uses its unshare and
// umount applets (no env, dash, util-linux unshare/umount execs: 4 execs per create instead of 6).
// crun copies itself into a sealed memfd and re-executes from it on every call (the CVE-2019-5736
// guard) unless its binary is on a read-only mount; berthd gives it one (`crun.ro`, a read-only bind
// mount of crun made at start), which protects the host binary the same way and saves that copy
// and second exec on each call. Without the mount (not root, or gone) the script runs crun itself.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface CrunWrapperTools {
  crun: string; unshare: string; umount: string;
  /** static busybox with its sh, unshare and umount applets: the faster script */
  busybox?: string;
}

/** sh single-quoted */
function q(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The script: the first non-option argument (after go-runc's global options) is the subcommand.
 * `readOnlyCrun`: a read-only bind mount of crun, used when it is there.
 */
export function crunWrapperScript(tools: CrunWrapperTools, readOnlyCrun?: string): string {
  const bb = tools.busybox;
  // `unshare` and `umount` in a busybox sh are its applets (no PATH search; util-linux's take the same options)
  const enter = bb
    ? `exec ${q(bb)} unshare --mount --propagation slave -- ${q(bb)} sh -c ${q(`umount -l /sys/fs/cgroup/unified && exec "$0" "$@"`)} "$crun" "$@"`
    : `exec ${q(tools.unshare)} --mount --propagation slave -- /bin/sh -c ${q(`${q(tools.umount)} -l /sys/fs/cgroup/unified && exec "$0" "$@"`)} "$crun" "$@"`;
  return [
    // from / : a shared shim's working directory may be a removed bundle, and dash would then print
    // "getcwd() failed" on stderr, which for create and exec is the container's or the process's
    // (the shim passes absolute paths to the runtime); busybox sh does not, and changes to / itself
    bb ? `#!${bb} sh` : '#!/usr/bin/env -S -C / /bin/sh',
    '# written by berthd (src/runtime/selection/crun-wrapper.ts): crun on a hybrid cgroup host',
    ...(bb ? ['cd /'] : []),
    `crun=${q(tools.crun)}`,
    ...(readOnlyCrun ? [`[ -x ${q(readOnlyCrun)} ] && crun=${q(readOnlyCrun)}`] : []),
    'skip=',
    'for a in "$@"; do',
    '  if [ -n "$skip" ]; then skip=; continue; fi',
    '  case "$a" in',
    '    --root|--log|--log-format|--cgroup-manager) skip=1 ;;',
    '    -*) ;;',
    `    create|run) ${enter} ;;`,
    '    *) break ;;',
    '  esac',
    'done',
    'exec "$crun" "$@"',
    '',
  ].join('\n');
}

/** Whether `target` is a mount point (from /proc/self/mountinfo). */
function isMountPoint(target: string): boolean {
  let info: string;
  try { info = fs.readFileSync('/proc/self/mountinfo', 'utf8'); } catch { return false; }
  const escaped = target.replace(/[\\ \t\n]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
  return info.split('\n').some((l) => l.split(' ')[4] === escaped);
}

/**
 * `dir`/crun.ro as a read-only bind mount of `crun` (kept when it already is one of the same file;
 * made again when crun was replaced). Returns its path, or undefined when it cannot be made.
 */
export function mountReadOnlyCrun(dir: string, crun: string): string | undefined {
  const target = path.join(dir, 'crun.ro');
  try {
    if (isMountPoint(target)) {
      const [a, b] = [fs.statSync(target), fs.statSync(crun)];
      if (a.ino === b.ino && a.dev === b.dev) return target;
      spawnSync('umount', ['-l', target]);
    }
    // an empty, not executable placeholder: the script falls back to crun when the mount is gone
    if (!fs.existsSync(target)) fs.writeFileSync(target, '', { mode: 0o600 });
    if (spawnSync('mount', ['--bind', crun, target]).status !== 0) return undefined;
    if (spawnSync('mount', ['-o', 'remount,bind,ro', target]).status !== 0) {
      spawnSync('umount', ['-l', target]);
      return undefined;
    }
    return target;
  } catch {
    return undefined;
  }
}

/** Removes `dir`/crun.ro's mount, if there is one. */
export function unmountReadOnlyCrun(dir: string): void {
  const target = path.join(dir, 'crun.ro');
  if (isMountPoint(target)) spawnSync('umount', ['-l', target]);
}

/**
 * Writes the script as `dir`/crun (replaced atomically: a shim may be running the old one) and
 * returns its path. The path must stay the same across restarts: the shim keeps it per container.
 */
export function installCrunWrapper(dir: string, tools: CrunWrapperTools, options: { readOnlyCrun?: boolean } = {}): string {
  fs.mkdirSync(dir, { recursive: true, mode: 0o711 });
  const readOnly = options.readOnlyCrun ? mountReadOnlyCrun(dir, tools.crun) : undefined;
  const target = path.join(dir, 'crun');
  const tmp = `${target}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, crunWrapperScript(tools, readOnly), { mode: 0o755 });
  fs.renameSync(tmp, target);
  return target;
}
