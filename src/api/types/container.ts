// Engine API container types (v1.41 shapes), as far as berthd uses them. Unknown fields that clients
// send are kept (index signatures) so inspect shows them back.
import type { HostConfigSettings } from './host-config.js';

export interface ContainerConfig {
  Hostname?: string;
  Domainname?: string;
  User?: string;
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  ExposedPorts?: Record<string, object> | null;
  Tty?: boolean;
  OpenStdin?: boolean;
  StdinOnce?: boolean;
  Env?: string[] | null;
  Cmd?: string[] | string | null;
  Healthcheck?: object | null;
  ArgsEscaped?: boolean;
  Image?: string;
  Volumes?: Record<string, object> | null;
  WorkingDir?: string;
  Entrypoint?: string[] | string | null;
  NetworkDisabled?: boolean;
  MacAddress?: string;
  OnBuild?: string[] | null;
  Labels?: Record<string, string> | null;
  StopSignal?: string;
  StopTimeout?: number;
  Shell?: string[] | null;
  [key: string]: unknown;
}

export interface RestartPolicy {
  Name: '' | 'no' | 'always' | 'unless-stopped' | 'on-failure';
  MaximumRetryCount?: number;
}

export interface HostConfig extends HostConfigSettings {
  Binds?: string[] | null;
  NetworkMode?: string;
  PortBindings?: Record<string, unknown> | null;
  RestartPolicy?: RestartPolicy;
  AutoRemove?: boolean;
  LogConfig?: { Type: string; Config?: Record<string, string> };
  Privileged?: boolean;
  Init?: boolean | null;
  Runtime?: string;
  [key: string]: unknown;
}

export interface ContainerCreateBody extends ContainerConfig {
  HostConfig?: HostConfig;
  NetworkingConfig?: object;
}

export type ContainerStatus = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export interface ContainerStateJSON {
  Status: ContainerStatus;
  Running: boolean;
  Paused: boolean;
  Restarting: boolean;
  OOMKilled: boolean;
  Dead: boolean;
  Pid: number;
  ExitCode: number;
  Error: string;
  StartedAt: string;
  FinishedAt: string;
}

/** One entry of inspect's and the list's `Mounts` (dockerd's types.MountPoint). */
export interface MountPoint {
  Type: 'bind' | 'volume' | 'tmpfs' | 'image';
  /** volumes only */
  Name?: string;
  Source: string;
  Destination: string;
  /** volumes only */
  Driver?: string;
  Mode: string;
  RW: boolean;
  Propagation: string;
}
