// Changing a container's settings in place: `docker rename` and `docker update` (resources applied
// live to a running task, restart policy, persisted).
import type { ContainerUpdateBackend } from '../api/routers/containers/backend.js';
import type { ContainerRenameBackend } from '../api/routers/containers/lifecycle-backend.js';
import type { ContainerUpdateBody } from '../api/types/host-config.js';
import { ConflictError, InvalidParameterError, SystemError, withPrefix } from '../errdefs/index.js';
import { liveUpdateResources, mergeUpdate, validateUpdate } from './container-update.js';
import type { DaemonContext } from './context.js';
import { validateName } from './names.js';

export class ContainerModifier implements ContainerRenameBackend, ContainerUpdateBackend {
  constructor(private readonly ctx: DaemonContext) {}

  async containerRename(ref: string, newName: string): Promise<void> {
    if (!ref || !newName) throw new InvalidParameterError('Neither old nor new names may be empty');
    const { store } = this.ctx;
    const c = store.get(ref);
    await c.exclusive(async () => {
      const wanted = newName.startsWith('/') ? newName : `/${newName}`;
      if (wanted === `/${c.name}`) throw new InvalidParameterError('Renaming a container with the same name as its current name');
      let name: string;
      try {
        name = validateName(wanted);
        store.reserveName(name, c.id);
      } catch (err) {
        throw withPrefix(err, 'Error when allocating new name: ');
      }
      const old = c.name;
      c.record.name = name;
      store.save(c);
      store.releaseName(old);
      this.ctx.emit(c, 'rename', { oldName: `/${old}` });
    });
  }

  async containerUpdate(ref: string, update: ContainerUpdateBody): Promise<{ Warnings: string[] }> {
    const c = this.ctx.store.get(ref);
    const warnings = validateUpdate(update, this.ctx.cgroups);
    return c.exclusive(async () => {
      const status = c.record.state.status;
      if (c.removed || status === 'removing' || status === 'dead') {
        throw new ConflictError(`Cannot update container ${c.id}: container is marked for removal and cannot be "update"`);
      }
      const backup = structuredClone(c.record.hostConfig);
      mergeUpdate(c.id, c.record.hostConfig, update);
      const resources = liveUpdateResources(update);
      // A stopped container gets the new limits from its spec at the next start.
      if (c.running && Object.keys(resources).length > 0) {
        try {
          await this.ctx.runtime.updateTask(c.id, resources);
        } catch (err) {
          c.record.hostConfig = backup;
          throw new SystemError(`Cannot update container ${c.id}: ${(err as Error).message}`, { cause: err });
        }
      }
      if (update.RestartPolicy !== undefined) c.restartManager?.setPolicy(c.record.hostConfig.RestartPolicy);
      this.ctx.store.save(c);
      this.ctx.emit(c, 'update');
      return { Warnings: warnings };
    });
  }
}
