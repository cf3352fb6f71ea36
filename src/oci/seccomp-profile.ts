// The default seccomp profile. dockerd's profile is an allow-list of ~350 syscalls; berthd keeps the
// same effect with a deny-list of the syscalls dockerd's list leaves out (kernel keyring, module and
// clock changes, mounts and namespace creation, reboot, …), each re-allowed when the container has the
// capability dockerd ties it to. Denied calls fail with EPERM, as under dockerd; clone3 fails with
// ENOSYS so libc falls back to clone, whose namespace flags are checked.

export interface SeccompSyscall {
  names: string[];
  action: string;
  errnoRet?: number;
  args?: Array<{ index: number; value: number; valueTwo?: number; op: string }>;
}

export interface SeccompProfile {
  defaultAction: string;
  defaultErrnoRet?: number;
  architectures?: string[];
  syscalls: SeccompSyscall[];
}

const EPERM = 1;
const ENOSYS = 38;

/** Syscalls denied unless the container has one of the listed capabilities (none: always denied). */
const DENIED: Array<{ names: string[]; unlessCap?: string[] }> = [
  { names: ['add_key', 'keyctl', 'request_key'] },
  { names: ['kexec_load', 'kexec_file_load'], unlessCap: ['CAP_SYS_BOOT'] },
  { names: ['reboot'], unlessCap: ['CAP_SYS_BOOT'] },
  { names: ['init_module', 'finit_module', 'delete_module', 'create_module', 'query_module', 'get_kernel_syms'], unlessCap: ['CAP_SYS_MODULE'] },
  { names: ['settimeofday', 'stime', 'clock_settime', 'clock_adjtime', 'adjtimex'], unlessCap: ['CAP_SYS_TIME'] },
  { names: ['acct'], unlessCap: ['CAP_SYS_PACCT'] },
  { names: ['iopl', 'ioperm'], unlessCap: ['CAP_SYS_RAWIO'] },
  { names: ['syslog'], unlessCap: ['CAP_SYSLOG'] },
  { names: ['open_by_handle_at'], unlessCap: ['CAP_DAC_READ_SEARCH'] },
  { names: ['bpf'], unlessCap: ['CAP_SYS_ADMIN', 'CAP_BPF'] },
  { names: ['perf_event_open'], unlessCap: ['CAP_SYS_ADMIN', 'CAP_PERFMON'] },
  { names: ['kcmp', 'process_vm_readv', 'process_vm_writev', 'ptrace'], unlessCap: ['CAP_SYS_PTRACE'] },
  { names: ['get_mempolicy', 'set_mempolicy', 'mbind', 'move_pages'], unlessCap: ['CAP_SYS_NICE'] },
  {
    names: ['mount', 'umount', 'umount2', 'pivot_root', 'unshare', 'setns', 'swapon', 'swapoff', 'quotactl',
      'lookup_dcookie', 'name_to_handle_at', 'fsopen', 'fsconfig', 'fsmount', 'fspick', 'move_mount', 'open_tree',
      'mount_setattr'],
    unlessCap: ['CAP_SYS_ADMIN'],
  },
  { names: ['nfsservctl', 'sysfs', '_sysctl', 'uselib', 'ustat', 'vm86', 'vm86old', 'userfaultfd'] },
];

/** CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET */
const CLONE_NAMESPACE_FLAGS = [0x00020000, 0x02000000, 0x04000000, 0x08000000, 0x10000000, 0x20000000, 0x40000000];

function architectures(): string[] {
  switch (process.arch) {
    case 'x64': return ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'];
    case 'arm64': return ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM'];
    default: return [];
  }
}

export function defaultSeccompProfile(capabilities: string[]): SeccompProfile {
  const has = (caps: string[] | undefined): boolean => caps !== undefined && caps.some((c) => capabilities.includes(c));
  const syscalls: SeccompSyscall[] = [];
  for (const group of DENIED) {
    if (has(group.unlessCap)) continue;
    syscalls.push({ names: group.names, action: 'SCMP_ACT_ERRNO', errnoRet: EPERM });
  }
  if (!capabilities.includes('CAP_SYS_ADMIN')) {
    syscalls.push({ names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: ENOSYS });
    // One rule per flag: a rule's argument conditions are ANDed, separate rules are ORed.
    const index = process.arch === 's390x' ? 1 : 0;
    for (const flag of CLONE_NAMESPACE_FLAGS) {
      syscalls.push({ names: ['clone'], action: 'SCMP_ACT_ERRNO', errnoRet: EPERM, args: [{ index, value: flag, valueTwo: flag, op: 'SCMP_CMP_MASKED_EQ' }] });
    }
  }
  const arch = architectures();
  return { defaultAction: 'SCMP_ACT_ALLOW', ...(arch.length ? { architectures: arch } : {}), syscalls };
}

/** A profile in dockerd's format, as decoded from JSON (not yet filtered by capabilities). */
export interface DockerSeccompProfile {
  defaultAction: string;
  defaultErrnoRet?: number;
  architectures?: string[];
  archMap?: Array<{ architecture: string; subArchitectures?: string[] }>;
  syscalls?: Array<SeccompSyscall & { name?: string; includes?: { caps?: string[] }; excludes?: { caps?: string[] } }>;
}

/**
 * A profile sent with `--security-opt seccomp=<file>` (the CLI sends the file's JSON): dockerd's format,
 * with `names` or the older `name`, optional `archMap`. Throws for malformed profiles.
 */
export function decodeSeccompProfile(json: string): DockerSeccompProfile {
  const raw = JSON.parse(json) as DockerSeccompProfile | null;
  if (typeof raw !== 'object' || raw === null || typeof raw.defaultAction !== 'string') {
    throw new Error('decoding seccomp profile failed: defaultAction is required');
  }
  resolveSeccompProfile(raw, []); // throws where the rest of the shape is wrong
  return raw;
}

/** The profile for a process with `capabilities`: `includes`/`excludes` capability conditions applied. */
export function resolveSeccompProfile(raw: DockerSeccompProfile, capabilities: string[]): SeccompProfile {
  const arch = raw.architectures ?? raw.archMap?.flatMap((a) => [a.architecture, ...(a.subArchitectures ?? [])]) ?? [];
  const syscalls: SeccompSyscall[] = [];
  for (const s of raw.syscalls ?? []) {
    if (s.includes?.caps && !s.includes.caps.every((c) => capabilities.includes(c))) continue;
    if (s.excludes?.caps && s.excludes.caps.some((c) => capabilities.includes(c))) continue;
    const names = s.names ?? (s.name ? [s.name] : []);
    if (names.length === 0) continue;
    syscalls.push({
      names, action: s.action,
      ...(s.errnoRet !== undefined ? { errnoRet: s.errnoRet } : {}),
      ...(s.args ? { args: s.args } : {}),
    });
  }
  return {
    defaultAction: raw.defaultAction,
    ...(raw.defaultErrnoRet !== undefined ? { defaultErrnoRet: raw.defaultErrnoRet } : {}),
    ...(arch.length ? { architectures: arch } : {}),
    syscalls,
  };
}
