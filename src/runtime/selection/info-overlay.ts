// GET /info `Runtimes` and `DefaultRuntime` from the runtime table (what this host can run).
import type { InfoResult, SystemBackend } from '../../api/routers/system/backend.js';
import type { RuntimeTable } from './runtime-table.js';

export function withRuntimes(system: SystemBackend, table: RuntimeTable): SystemBackend {
  return {
    systemVersion: () => system.systemVersion(),
    async systemInfo(): Promise<InfoResult> {
      return { ...await system.systemInfo(), Runtimes: table.info(), DefaultRuntime: table.defaultName };
    },
  };
}
