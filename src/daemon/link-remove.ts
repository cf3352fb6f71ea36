// DELETE /containers/{parent}/{alias}?link=1 (`docker rm --link`): dockerd's rmLink. The link is
// the parent's HostConfig.Links entry with that alias; the containers themselves stay.
import path from 'node:path';
import { ConflictError, NotFoundError } from '../errdefs/index.js';
import type { ContainerStore } from './container-store.js';

/** The alias of a HostConfig.Links entry ("name:alias", "/name:/self/alias" or "name"). */
export function linkAlias(link: string): string {
  const [name = '', alias] = link.split(':');
  return (alias ?? name).split('/').pop() ?? '';
}

export function removeLink(store: ContainerStore, ref: string): void {
  const name = ref.startsWith('/') ? ref : `/${ref}`;
  const parentName = path.posix.dirname(name);
  if (parentName === '/') {
    store.get(ref); // a missing container is still dockerd's 404
    throw new ConflictError('Conflict, cannot remove the default link name of the container');
  }
  let parent;
  try {
    parent = store.get(parentName.slice(1));
  } catch {
    throw new NotFoundError(`No such container: ${ref}`);
  }
  const alias = path.posix.basename(name);
  const links = parent.record.hostConfig.Links ?? [];
  const kept = links.filter((l) => linkAlias(l) !== alias);
  if (kept.length === links.length) throw new NotFoundError(`No such container: ${ref}`);
  parent.record.hostConfig.Links = kept.length > 0 ? kept : null;
  store.save(parent);
}
