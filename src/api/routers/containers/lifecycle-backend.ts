// What the container lifecycle routes (pause/unpause, rename, top, prune) need from the daemon.

export interface ContainerTopResult {
  Titles: string[];
  Processes: string[][];
}

export interface ContainerPruneResult {
  ContainersDeleted: string[] | null;
  SpaceReclaimed: number;
}

export interface ContainerLifecycleBackend {
  containerPause(ref: string): Promise<void>;
  containerUnpause(ref: string): Promise<void>;
  containerRename(ref: string, newName: string): Promise<void>;
  containerTop(ref: string, psArgs: string): Promise<ContainerTopResult>;
  containersPrune(filters: Record<string, string[]>, signal: AbortSignal): Promise<ContainerPruneResult>;
}
