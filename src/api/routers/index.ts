// Every router berthd serves, built from their backends: the one list the server, the
// differential harness's route coverage and the README's compatibility matrix all read.
import type { Router } from '../server/route.js';
import type { BuildBackend } from './build/backend.js';
import { BuildRouter } from './build/routes.js';
import type { ContainerArchiveBackend } from './containers/archive-backend.js';
import { ContainerArchiveRouter } from './containers/archive-routes.js';
import type { ContainerBackend } from './containers/backend.js';
import type { ContainerFsBackend } from './containers/fs-backend.js';
import { ContainerFsRouter } from './containers/fs-routes.js';
import type { ContainerLifecycleBackend } from './containers/lifecycle-backend.js';
import { ContainerLifecycleRouter } from './containers/lifecycle-routes.js';
import { ContainersRouter } from './containers/routes.js';
import type { ContainerStatsBackend } from './containers/stats-backend.js';
import { ContainerStatsRouter } from './containers/stats-routes.js';
import type { EventsBackend } from './events/backend.js';
import { EventsRouter } from './events/routes.js';
import type { ExecBackend } from './exec/backend.js';
import { ExecRouter } from './exec/routes.js';
import type { RegistryBackend } from './distribution/backend.js';
import { DistributionRouter } from './distribution/routes.js';
import type { ImageBackend } from './images/backend.js';
import { ImagesRouter } from './images/routes.js';
import type { NetworkBackend } from './networks/backend.js';
import { NetworksRouter } from './networks/routes.js';
import type { SwarmBackend } from './swarm/backend.js';
import { SwarmRouter } from './swarm/routes.js';
import type { SystemBackend } from './system/backend.js';
import type { DiskUsageBackend } from './system/df-backend.js';
import { DiskUsageRouter } from './system/df-routes.js';
import { SystemRouter } from './system/routes.js';
import type { VolumeBackend } from './volumes/backend.js';
import { VolumesRouter } from './volumes/routes.js';

export interface Backends {
  system: SystemBackend;
  containers: ContainerBackend;
  lifecycle: ContainerLifecycleBackend;
  images: ImageBackend;
  exec: ExecBackend;
  containerFs: ContainerFsBackend;
  diskUsage: DiskUsageBackend;
  swarm: SwarmBackend;
  volumes: VolumeBackend;
  archive: ContainerArchiveBackend;
  events: EventsBackend;
  stats: ContainerStatsBackend;
  networks: NetworkBackend;
  registry: RegistryBackend;
  build: BuildBackend;
}

export function allRouters(b: Backends): Router[] {
  return [
    new SystemRouter(b.system), new ContainersRouter(b.containers), new ContainerLifecycleRouter(b.lifecycle),
    new ImagesRouter(b.images, b.registry), new ExecRouter(b.exec), new ContainerFsRouter(b.containerFs),
    new DiskUsageRouter(b.diskUsage), new SwarmRouter(b.swarm), new VolumesRouter(b.volumes),
    new ContainerArchiveRouter(b.archive),
    new EventsRouter(b.events), new ContainerStatsRouter(b.stats),
    new NetworksRouter(b.networks),
    new DistributionRouter(b.registry),
    new BuildRouter(b.build),
  ];
}

/** The route tables alone (routers keep their backend until a request comes, so none is needed). */
export function routeTables(): Router[] {
  const none = {} as never;
  return allRouters({
    system: none, containers: none, lifecycle: none, images: none, exec: none, containerFs: none, diskUsage: none, swarm: none, volumes: none, archive: none,
    events: none, stats: none,
    networks: none,
    registry: none,
    build: none,
  });
}
