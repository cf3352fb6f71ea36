// What the container lifecycle routes (pause/unpause, rename, top, prune) need from the daemon.

export interface ContainerTopResult {
  Titles: string[];
  Processes: string[][];
}

export interface ContainerPruneResult {
  ContainersDeleted: string[] | null;
  SpaceReclaimed: number;
}

export interface ContainerPauseBackend {
  containerPause(ref: string): Promise<void>;
  containerUnpause(ref: string): Promise<void>;
}

export interface ContainerRenameBackend {
  containerRename(ref: string, newName: string): Promise<void>;
}

export interface ContainerTopBackend {
  containerTop(ref: string, psArgs: string): Promise<ContainerTopResult>;
}

export interface ContainerPruneBackend {
  containersPrune(filters: Record<string, string[]>, signal: AbortSignal): Promise<ContainerPruneResult>;
}

export interface ContainerLifecycleBackend extends ContainerPauseBackend, ContainerRenameBackend, ContainerTopBackend, ContainerPruneBackend {}
