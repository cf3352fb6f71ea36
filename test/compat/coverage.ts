// The routes berthd serves, read from its routers' own tables, as `METHOD /path` in route syntax.
import { routeTables } from '../../src/api/routers/index.js';

export function servedRoutes(): string[] {
  return routeTables().flatMap((r) => r.routes().map((x) => `${x.method} ${x.path}`));
}
