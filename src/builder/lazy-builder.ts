// The build backend, loaded on the first build request: the builder's modules (Dockerfile parser,
// COPY layers, remote contexts, dockerignore) are not needed by a daemon that never builds, and
// loading them at startup cost idle memory.
import type { Readable } from 'node:stream';
import type { BuildBackend, BuildOptions, BuildOutput, BuildPruneResult } from '../api/routers/build/backend.js';
import type { BuilderDeps } from './builder.js';

export function lazyBuilder(deps: BuilderDeps): BuildBackend {
  let loaded: Promise<BuildBackend> | undefined;
  const get = (): Promise<BuildBackend> => (loaded ??= import('./builder.js').then(({ Builder }) => new Builder(deps)));
  return {
    build: async (context: Readable, options: BuildOptions, out: BuildOutput, signal: AbortSignal): Promise<string> =>
      (await get()).build(context, options, out, signal),
    buildPrune: async (options: { all: boolean; filters: Record<string, string[]> }): Promise<BuildPruneResult> => (await get()).buildPrune(options),
    buildCancel: async (id: string): Promise<void> => (await get()).buildCancel(id),
  };
}
