// The values dockerd fills in at create time for HostConfig fields a client sent as "unset"
// (the docker CLI sends ShmSize 0, IpcMode "", MemorySwappiness -1, …). berthd stores what the client
// sent; inspect shows what dockerd would have stored, so clients comparing fields see the same.
import { DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS } from '../oci/spec.js';
import { DEFAULT_SHM_SIZE } from './create-validation.js';

/** Replaces "unset" values in an inspect HostConfig with dockerd's create-time defaults, in place. */
export function fillHostConfigDefaults(hc: Record<string, unknown>): void {
  if (!hc.ShmSize) hc.ShmSize = DEFAULT_SHM_SIZE;
  if (!hc.IpcMode) hc.IpcMode = 'private';
  // cgroup v1 hosts (this one): dockerd's default cgroupns mode is host
  if (!hc.CgroupnsMode) hc.CgroupnsMode = 'host';
  if (!hc.Runtime) hc.Runtime = 'runc';
  const log = hc.LogConfig as { Type?: string; Config?: Record<string, string> | null } | null | undefined;
  if (!log?.Type) hc.LogConfig = { Type: 'json-file', Config: log?.Config ?? {} };
  else if (!log.Config) hc.LogConfig = { ...log, Config: {} };
  if (hc.MemorySwappiness === -1) hc.MemorySwappiness = null;
  if (typeof hc.PidsLimit === 'number' && hc.PidsLimit <= 0) hc.PidsLimit = null;
  // privileged containers get no masked or read-only paths (dockerd leaves them null)
  if (hc.MaskedPaths == null && !hc.Privileged) hc.MaskedPaths = [...DEFAULT_MASKED_PATHS];
  if (hc.ReadonlyPaths == null && !hc.Privileged) hc.ReadonlyPaths = [...DEFAULT_READONLY_PATHS];
}
