// Compile-time proof of per-version narrowing: the build fails if a `@ts-expect-error` below stops
// being an error. Nothing here runs (the functions are never called).
import { DockerClient } from './index.js';

export async function pinnedVersionsNarrowBodies(): Promise<void> {
  const v141 = new DockerClient({ socketPath: '/nonexistent', version: '1.41' });
  const v144 = new DockerClient({ socketPath: '/nonexistent', version: '1.44' });
  // HealthConfig.StartInterval exists from API 1.44 (CHANGELOG v1.44).
  await v144.containerCreate({ name: 'web', body: { Image: 'busybox', Healthcheck: { StartInterval: 1_000_000 } } });
  // @ts-expect-error StartInterval is not part of API 1.41's HealthConfig.
  await v141.containerCreate({ name: 'web', body: { Image: 'busybox', Healthcheck: { StartInterval: 1_000_000 } } });
}

export async function operationsAndResultsAreTyped(): Promise<void> {
  const client = new DockerClient({ socketPath: '/nonexistent', version: '1.44' });
  const created = await client.containerCreate({ body: { Image: 'busybox' } });
  const id: string = created.Id;
  const inspect = await client.containerInspect({ id });
  const running: boolean | undefined = inspect.State?.Running;
  void running;
  const pong: string = await client.systemPing();
  void pong;
  // @ts-expect-error a path parameter is required.
  await client.containerInspect({});
  // @ts-expect-error query parameters are checked by their spec names.
  await client.containerLogs({ id, stduot: true });
  // @ts-expect-error results are typed: Id is a string.
  const wrong: number = created.Id;
  void wrong;
  // API 1.25 has no `platform` on create (1.41 has): unversioned clients get the newest types.
  const v125 = new DockerClient({ socketPath: '/nonexistent', version: '1.25' });
  // @ts-expect-error platform is a query parameter of create only from API 1.41.
  await v125.containerCreate({ platform: 'linux/amd64', body: { Image: 'busybox' } });
  const newest = new DockerClient({ socketPath: '/nonexistent' });
  await newest.containerCreate({ platform: 'linux/amd64', body: { Image: 'busybox' } });
}

export async function legacyVersionsHaveTheirOwnOperations(): Promise<void> {
  const v123 = new DockerClient({ socketPath: '/nonexistent', version: '1.23' });
  await v123.containerCopy({ id: 'web', body: { Resource: '/etc' } });
  await v123.containerStart({ id: 'web', body: { Binds: ['/a:/b'] } });
  const v144 = new DockerClient({ socketPath: '/nonexistent', version: '1.44' });
  // @ts-expect-error POST /containers/{id}/copy is gone from API 1.24 on.
  await v144.containerCopy({ id: 'web', body: { Resource: '/etc' } });
  // @ts-expect-error from API 1.24 start takes no body.
  await v144.containerStart({ id: 'web', body: { Binds: ['/a:/b'] } });
}
