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

export async function legacyVersionsHaveTheirOwnShapes(): Promise<void> {
  const v121 = new DockerClient({ socketPath: '/nonexistent', version: '1.21' });
  const v122 = new DockerClient({ socketPath: '/nonexistent', version: '1.22' });
  const v124 = new DockerClient({ socketPath: '/nonexistent', version: '1.24' });
  const v118 = new DockerClient({ socketPath: '/nonexistent', version: '1.18' });
  // events: {status, id, from, time} before 1.22, Type/Action/Actor from 1.22
  for await (const e of await v121.systemEvents()) {
    const status: string = e.status;
    void status;
    // @ts-expect-error Action is 1.22's.
    void e.Action;
  }
  for await (const e of await v122.systemEvents()) {
    const action: string = e.Action;
    void action;
  }
  // container list: State from 1.23, Labels from 1.18
  const [c] = await v122.containerList({ all: true });
  // @ts-expect-error State is in the list from 1.23.
  void c?.State;
  void (await v124.containerList())[0]?.State;
  const v117 = new DockerClient({ socketPath: '/nonexistent', version: '1.17' });
  // @ts-expect-error Labels are in the list from 1.18.
  void (await v117.containerList())[0]?.Labels;
  void (await v118.containerList())[0]?.Labels;
  // inspect: Volumes/VolumesRW before 1.20, Mounts from 1.20
  const old = await v118.containerInspect({ id: 'web' });
  const rw: boolean | undefined = old.VolumesRW?.['/data'];
  void rw;
  // @ts-expect-error Mounts replaced Volumes in 1.20.
  void old.Mounts;
  void (await v121.containerInspect({ id: 'web' })).Mounts;
  // operations a version did not have
  // @ts-expect-error volumes are 1.21's.
  await v118.volumeList();
  await v121.volumeList();
  // @ts-expect-error prune is 1.25's.
  await v124.containerPrune();
  // @ts-expect-error /containers/{id}/copy is gone in 1.24.
  await v124.containerCopy({ id: 'web', body: { Resource: '/etc' } });
}
