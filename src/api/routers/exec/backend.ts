// What the exec router needs from the daemon.
import type { PreparedAttach } from '../containers/backend.js';

export interface ExecConfig {
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  DetachKeys?: string;
  Tty?: boolean;
  Env?: string[] | null;
  Cmd?: string[] | null;
  Privileged?: boolean;
  User?: string;
  WorkingDir?: string;
  ConsoleSize?: [number, number] | null;
}

export type ExecInspect = Record<string, unknown> & { ID: string };

export interface ExecBackend {
  execCreate(containerRef: string, config: ExecConfig): Promise<{ Id: string }>;
  /**
   * Validates (404, 409) before anything is written; `run` starts the process and streams it.
   * `tty` in the result is the exec's own (from its create request).
   */
  execStart(id: string, options: { detach: boolean }): Promise<PreparedAttach & { openStdin: boolean }>;
  execInspect(id: string): Promise<ExecInspect>;
  execResize(id: string, height: number, width: number): Promise<void>;
}
