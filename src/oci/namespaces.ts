// Namespace modes: IpcMode/PidMode/UTSMode/NetworkMode/CgroupnsMode "host" (no new namespace) and
// "container:<id>" (join another container's, by its init's /proc/<pid>/ns/<kind>).
import type { SpecOption } from './spec.js';

export type NamespaceKind = 'ipc' | 'pid' | 'uts' | 'network' | 'cgroup';

/** What one namespace becomes: new (private), the host's, or an existing one at a path. */
export type NamespaceChoice = { mode: 'private' } | { mode: 'host' } | { mode: 'join'; path: string };

const PROC_NAME: Record<NamespaceKind, string> = { ipc: 'ipc', pid: 'pid', uts: 'uts', network: 'net', cgroup: 'cgroup' };

export function joinPath(pid: number, kind: NamespaceKind): string {
  return `/proc/${pid}/ns/${PROC_NAME[kind]}`;
}

/** "container:<ref>" → ref; undefined for any other mode. */
export function containerRef(mode: string | undefined): string | undefined {
  if (!mode || !mode.startsWith('container:')) return undefined;
  return mode.slice('container:'.length);
}

export const withNamespace = (kind: NamespaceKind, choice: NamespaceChoice): SpecOption => (s) => {
  const others = s.linux.namespaces.filter((n) => n.type !== kind);
  if (choice.mode === 'host') {
    s.linux.namespaces = others;
    // Without a UTS namespace runc refuses to set a hostname.
    if (kind === 'uts') { s.hostname = ''; delete s.domainname; }
    return;
  }
  s.linux.namespaces = [...others, choice.mode === 'join' ? { type: kind, path: choice.path } : { type: kind }];
};
