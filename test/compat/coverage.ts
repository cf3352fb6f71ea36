// The routes berthd serves, read from its routers' own tables (the routers only keep their
// backend until a request comes, so an empty one will do), as `METHOD /path` in route syntax.
import { ContainerFsRouter } from '../../src/api/routers/containers/fs-routes.js';
import { ContainerLifecycleRouter } from '../../src/api/routers/containers/lifecycle-routes.js';
import { ContainersRouter } from '../../src/api/routers/containers/routes.js';
import { ExecRouter } from '../../src/api/routers/exec/routes.js';
import { ImagesRouter } from '../../src/api/routers/images/routes.js';
import { DiskUsageRouter } from '../../src/api/routers/system/df-routes.js';
import { SystemRouter } from '../../src/api/routers/system/routes.js';
import type { Router } from '../../src/api/server/route.js';

export function servedRoutes(): string[] {
  const none = {} as never;
  // keep in step with the list in src/cmd/berthd.ts
  const routers: Router[] = [
    new SystemRouter(none), new ContainersRouter(none), new ContainerLifecycleRouter(none), new ImagesRouter(none),
    new ExecRouter(none), new ContainerFsRouter(none), new DiskUsageRouter(none),
  ];
  return routers.flatMap((r) => r.routes().map((x) => `${x.method} ${x.path}`));
}
