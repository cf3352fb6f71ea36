// The shim anchor: a task berthd keeps in one shim group so that the group's shim never exits and a
// sequential `docker run --rm` finds a warm shim instead of spawning one (~13 MiB, tens of ms).
// The anchor is the host's own `sleep` (coreutils, about 0.2 MiB private memory), run as nobody
// without capabilities in its own namespaces, on an empty read-only root with the host's /usr (and
// /lib, /lib64) bound read-only. Where the host has no /usr/bin/sleep the anchor is a task created
// and never started, which keeps the shim up as well but costs ~8.5 MiB (the waiting `runc init`).
// It is hidden from the API (berthd's store does not know it), survives a kill -9 of berthd with
// its shim, and is adopted again on the next start.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const ANCHOR_ID = 'berth-shim-anchor';
/** containerd-shim-runc-v2 groups tasks by this OCI spec annotation */
export const GROUP_ANNOTATION = 'io.containerd.runc.v2.group';
/** the same group name on the containerd container, so berthd finds it again after a restart */
export const GROUP_LABEL = 'com.berth.shim-group';
export const ANCHOR_LABEL = 'com.berth.shim-anchor';

const ANCHOR_COMMAND = 'anchor';
const HOST_SLEEP = '/usr/bin/sleep';
/** host directories the host's `sleep` needs, bound read-only where they exist */
const HOST_DIRS = ['/usr', '/lib', '/lib64'];

/** Whether the anchor can run the host's sleep (else it is created and never started). */
export function anchorRuns(): boolean {
  return fs.existsSync(HOST_SLEEP);
}

/** Makes the anchor's root directory (idempotent); returns its path. */
export function prepareAnchorRoot(dir: string): string {
  const root = path.join(dir, 'rootfs');
  // runc needs /proc inside (it closes inherited fds through /proc/self/fd before it waits); the
  // root is read-only, so every mount point is made here
  for (const d of ['proc', ...HOST_DIRS.map((h) => h.slice(1))]) fs.mkdirSync(path.join(root, d), { recursive: true, mode: 0o755 });
  const cmd = path.join(root, ANCHOR_COMMAND);
  if (!fs.existsSync(cmd)) fs.writeFileSync(cmd, '', { mode: 0o755 });
  return root;
}

/** The anchor's OCI spec: no capabilities, /proc and the host's /usr (read-only), its own namespaces, a read-only empty root. */
export function anchorSpec(root: string, group: string, runs = anchorRuns()): object {
  const binds = runs ? HOST_DIRS.filter((d) => fs.existsSync(d)).map((d) => ({
    destination: d, type: 'bind', source: d, options: ['rbind', 'ro', 'nosuid', 'nodev'],
  })) : [];
  return {
    ociVersion: '1.0.2-dev',
    process: {
      terminal: false,
      user: { uid: 65534, gid: 65534 },
      args: runs ? [HOST_SLEEP, '2147483647'] : [`/${ANCHOR_COMMAND}`],
      env: [],
      cwd: '/',
      capabilities: { bounding: [], effective: [], permitted: [] },
      noNewPrivileges: true,
    },
    root: { path: root, readonly: true },
    hostname: 'berth-shim-anchor',
    mounts: [{ destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] }, ...binds],
    linux: {
      namespaces: [{ type: 'pid' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }, { type: 'network' }],
      maskedPaths: [],
      readonlyPaths: [],
      resources: { devices: [{ allow: false, access: 'rwm' }] },
      // one per berthd (exec root): berthds side by side must not share a cgroup
      cgroupsPath: `/berth/${ANCHOR_ID}-${crypto.createHash('sha256').update(root).digest('hex').slice(0, 12)}`,
    },
    annotations: { [GROUP_ANNOTATION]: group },
  };
}
