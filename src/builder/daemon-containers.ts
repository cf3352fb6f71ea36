// BuildContainers on the daemon's own container operations: a RUN step's container is created,
// attached, started and waited for exactly as `docker run` does it (same spec, limits, network),
// then committed by the container filesystem service and removed.
import type { ContainerBackend } from '../api/routers/containers/backend.js';
import type { ContainerConfig } from '../api/types/container.js';
import type { BuildContainerOptions, BuildContainers } from './ports.js';

export interface BuildCommitter {
  commitBuildStep(ref: string, options: { config: ContainerConfig; containerConfig: ContainerConfig; author: string }): Promise<string>;
}

export class DaemonBuildContainers implements BuildContainers {
  constructor(
    private readonly containers: Pick<ContainerBackend, 'containerCreate' | 'containerAttach' | 'containerStart' | 'containerWait' | 'containerKill' | 'containerRemove'>,
    private readonly committer: BuildCommitter,
  ) {}

  async create(o: BuildContainerOptions): Promise<string> {
    const { Id } = await this.containers.containerCreate(undefined, { ...o.config, HostConfig: o.hostConfig });
    return Id;
  }

  async run(id: string, output: (stream: 'stdout' | 'stderr', data: Buffer) => void, signal: AbortSignal): Promise<number> {
    const detach = new AbortController();
    const attach = await this.containers.containerAttach(id, { stream: true, logs: false, stdin: false, stdout: true, stderr: true });
    const pumping = attach.run({ output: (s, d) => { output(s, d); return true; }, drained: async () => undefined, signal: detach.signal });
    const { result } = await this.containers.containerWait(id, 'next-exit', detach.signal);
    const kill = (): void => { void this.containers.containerKill(id, 'KILL').catch(() => undefined); };
    signal.addEventListener('abort', kill);
    try {
      await this.containers.containerStart(id);
      // an abort that came while it was being created or started
      if (signal.aborted) kill();
      const r = await result;
      await pumping;
      return r.StatusCode;
    } finally {
      signal.removeEventListener('abort', kill);
      detach.abort();
    }
  }

  commit(id: string, options: { config: ContainerConfig; containerConfig: ContainerConfig; author: string }): Promise<string> {
    return this.committer.commitBuildStep(id, options);
  }

  async remove(id: string): Promise<void> {
    await this.containers.containerRemove(id, { force: true, removeVolumes: true, link: false });
  }
}
