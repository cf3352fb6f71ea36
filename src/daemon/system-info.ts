// `GET /version` and `GET /info`: what this engine is and what the host offers, with dockerd's keys.
import fs from 'node:fs';
import os from 'node:os';
import type { InfoResult, SystemBackend, VersionResult } from '../api/routers/system/backend.js';
import { MAX_API_VERSION, MIN_API_VERSION } from '../internal/version.js';
import type { Container } from './container.js';

export interface SystemInfoSource {
  serverVersion: string;
  dataRoot: string;
  engineId(): string;
  containerdVersion(): { version: string; revision: string; address?: string; namespace?: string };
  containers(): Container[];
  imageCount(): number;
}

export class SystemInfo implements SystemBackend {
  constructor(private readonly info: SystemInfoSource) {}

  async systemVersion(): Promise<VersionResult> {
    const details = {
      ApiVersion: MAX_API_VERSION, Arch: goArch(), BuildTime: '', Experimental: 'false', GitCommit: '',
      GoVersion: `node${process.versions.node}`, KernelVersion: os.release(), MinAPIVersion: MIN_API_VERSION, Os: 'linux',
    };
    return {
      Platform: { Name: 'Berth Engine' },
      Components: [
        { Name: 'Engine', Version: this.info.serverVersion, Details: details },
        { Name: 'containerd', Version: this.info.containerdVersion().version, Details: { GitCommit: this.info.containerdVersion().revision } },
      ],
      Version: this.info.serverVersion,
      ApiVersion: MAX_API_VERSION,
      MinAPIVersion: MIN_API_VERSION,
      GitCommit: '',
      GoVersion: details.GoVersion,
      Os: 'linux',
      Arch: goArch(),
      KernelVersion: os.release(),
      BuildTime: '',
    };
  }

  async systemInfo(): Promise<InfoResult> {
    const all = this.info.containers();
    const count = (s: string): number => all.filter((c) => c.record.state.status === s).length;
    const running = count('running') + count('restarting');
    const paused = count('paused');
    const cgroupV2 = fs.existsSync('/sys/fs/cgroup/cgroup.controllers');
    return {
      ID: this.info.engineId(),
      Containers: all.length,
      ContainersRunning: running,
      ContainersPaused: paused,
      ContainersStopped: all.length - running - paused,
      Images: this.info.imageCount(),
      Driver: 'overlayfs',
      DriverStatus: [['driver-type', 'io.containerd.snapshotter.v1']],
      Plugins: { Volume: ['local'], Network: ['null'], Authorization: null, Log: ['json-file'] },
      // KernelMemory, KernelMemoryTCP (false: omitted from 1.42, like dockerd's omitempty; gone at 1.52)
      // and BridgeNfIptables/BridgeNfIp6tables (gone at 1.50) are shape.ts's for older versions.
      MemoryLimit: true, SwapLimit: true,
      CpuCfsPeriod: true, CpuCfsQuota: true, CPUShares: true, CPUSet: true, PidsLimit: true,
      IPv4Forwarding: true,
      Debug: false, NFd: countFds(), OomKillDisable: !cgroupV2, NGoroutines: 0,
      SystemTime: new Date().toISOString(),
      LoggingDriver: 'json-file',
      CgroupDriver: 'cgroupfs',
      CgroupVersion: cgroupV2 ? '2' : '1',
      NEventsListener: 0,
      KernelVersion: os.release(),
      OperatingSystem: osPrettyName(),
      OSVersion: osVersionId(),
      OSType: 'linux',
      Architecture: os.machine(),
      IndexServerAddress: 'https://index.docker.io/v1/',
      RegistryConfig: {
        InsecureRegistryCIDRs: ['127.0.0.0/8'],
        IndexConfigs: { 'docker.io': { Name: 'docker.io', Mirrors: [], Secure: true, Official: true } },
        Mirrors: [],
      },
      NCPU: os.cpus().length,
      MemTotal: os.totalmem(),
      GenericResources: null,
      DockerRootDir: this.info.dataRoot,
      HttpProxy: process.env.HTTP_PROXY ?? '',
      HttpsProxy: process.env.HTTPS_PROXY ?? '',
      NoProxy: process.env.NO_PROXY ?? '',
      Name: os.hostname(),
      Labels: [],
      ExperimentalBuild: false,
      ServerVersion: this.info.serverVersion,
      // dockerd 20.10 also lists io.containerd.runtime.v1.linux (shim v1), removed in moby 23 (moby#43695).
      Runtimes: { runc: { path: 'runc' }, 'io.containerd.runc.v2': { path: 'io.containerd.runc.v2' } },
      DefaultRuntime: 'runc',
      Swarm: { NodeID: '', NodeAddr: '', LocalNodeState: 'inactive', ControlAvailable: false, Error: '', RemoteManagers: null },
      LiveRestoreEnabled: false,
      Isolation: '',
      InitBinary: 'docker-init',
      // `Expected` (= ID) before 1.49: shape.ts
      ContainerdCommit: { ID: this.info.containerdVersion().revision },
      RuncCommit: { ID: '' },
      InitCommit: { ID: '' },
      SecurityOptions: securityOptions(cgroupV2),
      // a nil list in dockerd (daemon/info.go appends only when there is something to say)
      Warnings: null,
      // 1.44: CDI is experimental in dockerd; non-experimental daemons always report an empty list.
      CDISpecDirs: [],
      // 1.46: the containerd berthd runs its containers in. berthd has no plugins; dockerd's
      // "plugins.<namespace>" naming is kept for the field.
      Containerd: {
        Address: this.info.containerdVersion().address ?? '',
        Namespaces: { Containers: this.info.containerdVersion().namespace ?? '', Plugins: `plugins.${this.info.containerdVersion().namespace ?? ''}` },
      },
      // Not sent (dockerd omits them when empty): FirewallBackend (1.49; berthd sets up no firewall
      // rules yet), DiscoveredDevices (1.50; no CDI device driver), NRI (1.53; not enabled).
    };
  }
}

/**
 * What every container gets unless it asks otherwise, in dockerd's `name=…` form
 * (daemon/info_unix.go fillSecurityOptions): berthd's default seccomp profile when the kernel has
 * seccomp, and a private cgroup namespace on cgroup v2 (create-validation.ts's default). No
 * AppArmor, SELinux, user namespaces or rootless mode: berthd applies none of them.
 */
export function securityOptions(cgroupV2: boolean, seccomp = kernelHasSeccomp()): string[] {
  const out: string[] = [];
  if (seccomp) out.push('name=seccomp,profile=default');
  if (cgroupV2) out.push('name=cgroupns');
  return out;
}

function kernelHasSeccomp(): boolean {
  try { return /^Seccomp:/m.test(fs.readFileSync('/proc/self/status', 'utf8')); } catch { return false; }
}

function goArch(): string {
  const map: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' };
  return map[process.arch] ?? process.arch;
}

function osRelease(): Record<string, string> {
  try {
    const out: Record<string, string> = {};
    for (const line of fs.readFileSync('/etc/os-release', 'utf8').split('\n')) {
      const m = /^([A-Z_]+)=(.*)$/.exec(line);
      if (m) out[m[1]!] = m[2]!.replace(/^"|"$/g, '');
    }
    return out;
  } catch {
    return {};
  }
}

const osPrettyName = (): string => osRelease().PRETTY_NAME ?? 'Linux';
const osVersionId = (): string => osRelease().VERSION_ID ?? '';

function countFds(): number {
  try { return fs.readdirSync('/proc/self/fd').length; } catch { return 0; }
}
