// The runc v2 shim's front: a script containerd runs as the shim binary (the containerd runtime
// name of berthd's runc-shim containers is its absolute path) that answers two of containerd's shim
// calls without starting the Go shim binary when the answer is already known, and runs
// containerd-shim-runc-v2 for everything else.
//
// - `delete` (containerd 1.6's cleanupAfterDeadShim): containerd runs it whenever its ttrpc client of
//   a task closes — also after every successful Tasks.Delete, because closing the client is how it
//   lets go of the task. The real one runs `<runtime> delete --force` for a container the shim has
//   already deleted (about 17 ms with crun through its wrapper, on the path of every `docker run
//   --rm`). The front answers it itself only when both are true: the runtime keeps no state for the
//   container (`/run/containerd/runc/<namespace>/<id>` is gone: the shim's own delete ran) and the
//   task's shim still listens on its socket (a live shim: the close was containerd's own). A shim
//   that died leaves no listening socket, so its tasks get the real cleanup (their containers are
//   killed, containerd publishes exit 137), as without the front.
// - `start` of a task that joins a group whose shim already runs: the real binary only finds the
//   group's socket, checks that it answers, writes the bundle's `address` file and prints it. berthd
//   knows the group's socket (it names the groups) and leaves it in `<groups dir>/<container id>`;
//   when that socket is listening the front writes and prints the address itself. Otherwise (first
//   task of a group, a dead shim, no file) the real binary starts a shim.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { MANAGED_GOGC_MARK } from '../containerd/supervisor.js';

/** `grep`: the command (busybox's static grep starts in half the time of GNU grep) */
export interface ShimFrontTools { shim: string; grep: string[] }

/** sh single-quoted */
function q(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** the runtime's state root the runc v2 shim uses when its options set none (process.RuncRoot) */
export const RUNC_STATE_ROOT = '/run/containerd/runc';

/**
 * The script. containerd's arguments: `-namespace NS -address A -publish-binary B [-id ID]
 * [-bundle B] [-debug] start|delete`; the working directory is the bundle for both.
 */
export function shimFrontScript(tools: ShimFrontTools, groupsDir: string, stateRoot = RUNC_STATE_ROOT): string {
  // protobuf containerd.task.v2.DeleteResponse{exit_status: 137}, what the real cleanup reports
  const exit137 = '\\020\\211\\001';
  return [
    '#!/bin/sh',
    '# written by berthd (src/runtime/selection/shim-front.ts): the runc v2 shim, answering what it already knows',
    `shim=${q(tools.shim)}`,
    'ns= id= bundle= cmd= prev=',
    'for a in "$@"; do',
    '  case "$prev" in',
    '    -namespace) ns=$a ;;',
    '    -id) id=$a ;;',
    '    -bundle) bundle=$a ;;',
    '  esac',
    '  prev=$a cmd=$a',
    'done',
    // a listening stream socket at that path (flags __SO_ACCEPTCON, state unconnected)
    `listening() { ${tools.grep.map(q).join(' ')} -q -- " 00010000 0001 01 [0-9]* $1\$" /proc/net/unix; }`,
    'case "$cmd" in',
    'delete)',
    // the files have no final newline: read assigns the line and still fails, hence `; [ -n ]`
    '  addr=; [ -n "$bundle" ] && read -r addr 2>/dev/null < "$bundle/address"',
    `  if [ -n "$ns" ] && [ -n "$id" ] && [ -n "$addr" ] && [ ! -e ${q(stateRoot)}/"$ns/$id" ] && listening "\${addr#unix://}"; then`,
    `    printf '${exit137}'`,
    '    exit 0',
    '  fi ;;',
    'start)',
    `  sock=; [ -n "$id" ] && read -r sock 2>/dev/null < ${q(groupsDir)}/"$id"`,
    '  if [ -n "$sock" ] && listening "$sock"; then',
    '    printf \'%s\' "unix://$sock" > address && printf \'%s\' "unix://$sock" && exit 0',
    '  fi ;;',
    'esac',
    // the managed containerd's low GOGC (containerd/supervisor.ts) costs a shim time on the start path:
    // the shims run at Go's default; a GOGC the user gave (or an external containerd's) stays
    `[ "\${${MANAGED_GOGC_MARK}:-}" = 1 ] && unset GOGC ${MANAGED_GOGC_MARK}`,
    'exec "$shim" "$@"',
    '',
  ].join('\n');
}

/** The socket the runc v2 shim of group `group` listens on (containerd 1.6's shim.SocketAddress). */
export function groupSocketPath(containerdAddress: string, namespace: string, group: string): string {
  const digest = crypto.createHash('sha256').update(path.join(containerdAddress, namespace, group)).digest('hex');
  return `/run/containerd/s/${digest}`;
}

export interface ShimFront {
  /** the script: the containerd runtime name of runc-shim containers */
  path: string;
  /** where berthd leaves each grouped container's shim socket for `start` */
  groupsDir: string;
}

/**
 * Writes the script as `dir`/containerd-shim-runc-v2 (replaced atomically) and makes its groups
 * directory. The path must stay the same across restarts: containerd keeps it per task.
 */
export function installShimFront(dir: string, tools: ShimFrontTools, stateRoot = RUNC_STATE_ROOT): ShimFront {
  fs.mkdirSync(dir, { recursive: true, mode: 0o711 });
  const groupsDir = path.join(dir, 'shim-groups');
  fs.mkdirSync(groupsDir, { recursive: true, mode: 0o700 });
  const target = path.join(dir, 'containerd-shim-runc-v2');
  const tmp = `${target}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, shimFrontScript(tools, groupsDir, stateRoot), { mode: 0o755 });
  fs.renameSync(tmp, target);
  return { path: target, groupsDir };
}
