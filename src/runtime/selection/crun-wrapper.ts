// crun on a hybrid cgroup host: crun 1.8 refuses `create`/`run` while /sys/fs/cgroup/unified (a
// cgroup2 with controllers) is mounted, and accepts the plain v1 layout. The runc shim runs this
// script (its BinaryName) instead of crun: `create` and `run` run crun in a fresh mount namespace of
// their own (a copy of the host's made at that moment, so every host mount made so far is seen)
// without the unified hierarchy; every other subcommand (exec, update, pause, resume, kill, delete,
// ps, state: they work on the host as it is) execs crun directly. containerd and the shims stay in
// the host's mount namespace.
import fs from 'node:fs';
import path from 'node:path';

export interface CrunWrapperTools { crun: string; unshare: string; umount: string }

/** sh single-quoted */
function q(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The script: the first non-option argument (after go-runc's global options) is the subcommand. */
export function crunWrapperScript(tools: CrunWrapperTools): string {
  return [
    // from / : a shared shim's working directory may be a removed bundle, and sh would then print
    // "getcwd() failed" on stderr, which for create and exec is the container's or the process's
    // (the shim passes absolute paths to the runtime)
    '#!/usr/bin/env -S -C / /bin/sh',
    '# written by berthd (src/runtime/selection/crun-wrapper.ts): crun on a hybrid cgroup host',
    `crun=${q(tools.crun)}`,
    'skip=',
    'for a in "$@"; do',
    '  if [ -n "$skip" ]; then skip=; continue; fi',
    '  case "$a" in',
    '    --root|--log|--log-format|--cgroup-manager) skip=1 ;;',
    '    -*) ;;',
    `    create|run) exec ${q(tools.unshare)} --mount --propagation slave -- /bin/sh -c ${q(`${q(tools.umount)} -l /sys/fs/cgroup/unified && exec "$0" "$@"`)} "$crun" "$@" ;;`,
    '    *) break ;;',
    '  esac',
    'done',
    'exec "$crun" "$@"',
    '',
  ].join('\n');
}

/**
 * Writes the script as `dir`/crun (replaced atomically: a shim may be running the old one) and
 * returns its path. The path must stay the same across restarts: the shim keeps it per container.
 */
export function installCrunWrapper(dir: string, tools: CrunWrapperTools): string {
  fs.mkdirSync(dir, { recursive: true, mode: 0o711 });
  const target = path.join(dir, 'crun');
  const tmp = `${target}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, crunWrapperScript(tools), { mode: 0o755 });
  fs.renameSync(tmp, target);
  return target;
}
