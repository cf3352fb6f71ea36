// Composes the OCI spec options for a container's HostConfig: mounts, resources, capabilities,
// security, devices, namespaces, init. The daemon adds the process (args, env, user, tty) and the
// files it writes; the option functions themselves live in src/oci/.
import fs from 'node:fs';
import type { HostConfig } from '../api/types/container.js';
import { ConflictError, InvalidParameterError } from '../errdefs/index.js';
import { effectiveCapabilities, withCapabilities } from '../oci/capabilities.js';
import { hostDevices, withDevices, withPrivileged } from '../oci/devices.js';
import { checkBindSources, findInitBinary, userMounts, withInit, withReadonlyRootfs, withShm, withUserMounts, type ShmSource } from '../oci/mounts.js';
import { containerRef, joinPath, withNamespace, type NamespaceChoice, type NamespaceKind } from '../oci/namespaces.js';
import { linuxResources, withOomScoreAdj, withResources, withSysctls, withUlimits } from '../oci/resources.js';
import { parseSecurityOpt, seccompFor, withNoNewPrivileges, withSeccomp } from '../oci/security.js';
import type { SpecOption } from '../oci/spec.js';
import { DEFAULT_SHM_SIZE } from './create-validation.js';

/** Another container as seen for namespace sharing. */
export interface PeerContainer {
  id: string;
  running: boolean;
  pid: number;
  ipcMode: string;
  /** host path of its /dev/shm when its IpcMode is shareable */
  shmPath: string;
}

export interface HostConfigSpecContext {
  /** resolves "container:<ref>" targets; throws NotFoundError for unknown ones */
  peer(ref: string): PeerContainer;
  seccompSupported: boolean;
  /** mounts this container's shareable /dev/shm on the host and returns its path */
  mountShareableShm(size: number): string;
}

let seccompKernel: boolean | undefined;
/** Whether the kernel has seccomp filtering (the Seccomp line of /proc/self/status). */
export function kernelSupportsSeccomp(): boolean {
  if (seccompKernel === undefined) {
    try { seccompKernel = /^Seccomp:/m.test(fs.readFileSync('/proc/self/status', 'utf8')); } catch { seccompKernel = false; }
  }
  return seccompKernel;
}

function runningPeer(ctx: HostConfigSpecContext, ref: string): PeerContainer {
  const peer = ctx.peer(ref);
  if (!peer.running || peer.pid <= 0) throw new ConflictError(`container ${peer.id} is not running`);
  return peer;
}

function namespaceChoice(kind: NamespaceKind, mode: string | undefined, ctx: HostConfigSpecContext): NamespaceChoice {
  if (mode === 'host') return { mode: 'host' };
  const ref = containerRef(mode);
  if (ref === undefined) return { mode: 'private' };
  return { mode: 'join', path: joinPath(runningPeer(ctx, ref).pid, kind) };
}

function ipcSetup(hc: HostConfig, ctx: HostConfigSpecContext): { ns: NamespaceChoice; shm: ShmSource } {
  const mode = hc.IpcMode || 'private';
  if (mode === 'host') return { ns: { mode: 'host' }, shm: { kind: 'bind', source: '/dev/shm' } };
  if (mode === 'none') return { ns: { mode: 'private' }, shm: { kind: 'none' } };
  const ref = containerRef(mode);
  if (mode === 'shareable') return { ns: { mode: 'private' }, shm: { kind: 'bind', source: ctx.mountShareableShm(hc.ShmSize || DEFAULT_SHM_SIZE) } };
  if (ref === undefined) return { ns: { mode: 'private' }, shm: { kind: 'private', size: hc.ShmSize || DEFAULT_SHM_SIZE } };
  const peer = runningPeer(ctx, ref);
  if (peer.ipcMode === 'host') return { ns: { mode: 'host' }, shm: { kind: 'bind', source: '/dev/shm' } };
  if (peer.ipcMode !== 'shareable') throw new ConflictError('non-shareable IPC (hint: use IpcMode:shareable for the donor container)');
  return { ns: { mode: 'join', path: joinPath(peer.pid, 'ipc') }, shm: { kind: 'bind', source: peer.shmPath } };
}

/** The HostConfig's spec options, in the order they must apply (mounts before privileged tweaks). */
export function hostConfigSpecOptions(hc: HostConfig, ctx: HostConfigSpecContext): SpecOption[] {
  const privileged = Boolean(hc.Privileged);
  const caps = effectiveCapabilities(hc.CapAdd, hc.CapDrop, privileged);
  const security = parseSecurityOpt(hc.SecurityOpt);
  const mounts = userMounts(hc);
  checkBindSources(mounts, true);
  const ipc = ipcSetup(hc, ctx);
  const options: SpecOption[] = [
    withShm(ipc.shm),
    withNamespace('ipc', ipc.ns),
    withNamespace('pid', namespaceChoice('pid', hc.PidMode, ctx)),
    withNamespace('uts', hc.UTSMode === 'host' ? { mode: 'host' } : { mode: 'private' }),
    withNamespace('network', namespaceChoice('network', hc.NetworkMode, ctx)),
    // dockerd's default: private on cgroup v2, the host's on v1 (set at create).
    ...(hc.CgroupnsMode === 'private' ? [withNamespace('cgroup', { mode: 'private' })] : []),
    withUserMounts(mounts),
    withReadonlyRootfs(Boolean(hc.ReadonlyRootfs)),
    withCapabilities(caps),
    withNoNewPrivileges(security.noNewPrivileges),
    withSeccomp(seccompFor(security, caps, privileged, ctx.seccompSupported)),
    withResources(linuxResources(hc)),
    withUlimits(hc.Ulimits),
    withOomScoreAdj(hc.OomScoreAdj),
    withSysctls(hc.Sysctls),
  ];
  if (privileged) options.push(withPrivileged(hostDevices()));
  options.push(withDevices(hc.Devices ?? [], hc.DeviceCgroupRules ?? []));
  if (hc.Init) {
    const init = findInitBinary();
    if (!init) throw new InvalidParameterError('exec: "docker-init": executable file not found in $PATH');
    options.push(withInit(init));
  }
  return options;
}
