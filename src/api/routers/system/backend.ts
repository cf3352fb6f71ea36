// What the system router needs from the daemon.

export interface VersionResult {
  Platform: { Name: string };
  Components: Array<{ Name: string; Version: string; Details?: Record<string, string> }>;
  Version: string;
  ApiVersion: string;
  MinAPIVersion: string;
  GitCommit: string;
  GoVersion: string;
  Os: string;
  Arch: string;
  KernelVersion: string;
  BuildTime: string;
  Experimental?: boolean;
}

export type InfoResult = Record<string, unknown>;

export interface SystemBackend {
  systemVersion(): Promise<VersionResult>;
  systemInfo(): Promise<InfoResult>;
}
