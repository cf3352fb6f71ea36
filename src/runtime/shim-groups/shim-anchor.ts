// The shim anchor: a task berthd keeps in one shim group so that the group's shim never exits and a
// sequential `docker run --rm` finds a warm shim instead of spawning one (~13 MiB, tens of ms).
// The anchor is a containerd task that is created and never started: runc waits in `runc init`
// for a start that never comes, so nothing runs and its process costs about a MiB. Its root is an
// empty read-only directory with one empty executable file (runc checks the command exists at
// create time; it is never executed). It is hidden from the API (berthd's store does not know it),
// survives a kill -9 of berthd with its shim, and is adopted again on the next start.
import fs from 'node:fs';
import path from 'node:path';

export const ANCHOR_ID = 'berth-shim-anchor';
/** containerd-shim-runc-v2 groups tasks by this OCI spec annotation */
export const GROUP_ANNOTATION = 'io.containerd.runc.v2.group';
/** the same group name on the containerd container, so berthd finds it again after a restart */
export const GROUP_LABEL = 'com.berth.shim-group';
export const ANCHOR_LABEL = 'com.berth.shim-anchor';

const ANCHOR_COMMAND = 'anchor';

/** Makes the anchor's root directory (idempotent); returns its path. */
export function prepareAnchorRoot(dir: string): string {
  const root = path.join(dir, 'rootfs');
  // runc needs /proc inside (it closes inherited fds through /proc/self/fd before it waits)
  fs.mkdirSync(path.join(root, 'proc'), { recursive: true, mode: 0o755 });
  const cmd = path.join(root, ANCHOR_COMMAND);
  if (!fs.existsSync(cmd)) fs.writeFileSync(cmd, '', { mode: 0o755 });
  return root;
}

/** The anchor's OCI spec: no capabilities, only /proc mounted, its own namespaces, a read-only empty root. */
export function anchorSpec(root: string, group: string): object {
  return {
    ociVersion: '1.0.2-dev',
    process: {
      terminal: false,
      user: { uid: 65534, gid: 65534 },
      args: [`/${ANCHOR_COMMAND}`],
      env: [],
      cwd: '/',
      capabilities: { bounding: [], effective: [], permitted: [] },
      noNewPrivileges: true,
    },
    root: { path: root, readonly: true },
    hostname: 'berth-shim-anchor',
    mounts: [{ destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] }],
    linux: {
      namespaces: [{ type: 'pid' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }, { type: 'network' }],
      maskedPaths: [],
      readonlyPaths: [],
      resources: { devices: [{ allow: false, access: 'rwm' }] },
      cgroupsPath: `/berth/${ANCHOR_ID}`,
    },
    annotations: { [GROUP_ANNOTATION]: group },
  };
}
