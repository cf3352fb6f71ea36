// Owns the set of containers: lookup by ID, unique ID prefix or name; name reservation;
// persistence of each container's record under <data-root>/containers/<id>/config.v2.json.
import fs from 'node:fs';
import path from 'node:path';
import { ConflictError, InvalidParameterError, NotFoundError } from '../errdefs/index.js';
import { writeJsonReplaceSync } from '../internal/atomic-write.js';
import { emptyTrash, removeInBackground } from '../internal/background-remove.js';
import { Container, type ContainerRecord } from './container.js';

export class ContainerStore {
  private readonly byId = new Map<string, Container>();
  private readonly byName = new Map<string, string>();

  constructor(readonly root: string) {
    fs.mkdirSync(root, { recursive: true, mode: 0o710 });
    emptyTrash(this.trash);
  }

  /** where removed containers' directories go before they are deleted in the background */
  private get trash(): string {
    return path.join(this.root, '.trash');
  }

  dir(id: string): string {
    return path.join(this.root, id);
  }

  /** Reads every persisted container; broken records are skipped with a message. */
  loadAll(log: (msg: string) => void): Container[] {
    const out: Container[] = [];
    for (const id of fs.readdirSync(this.root)) {
      if (id.startsWith('.')) continue;
      const file = path.join(this.root, id, 'config.v2.json');
      try {
        const record = JSON.parse(fs.readFileSync(file, 'utf8')) as ContainerRecord;
        const c = new Container(record);
        this.byId.set(record.id, c);
        this.byName.set(record.name, record.id);
        out.push(c);
      } catch (err) {
        log(`skipping container ${id}: ${(err as Error).message}`);
      }
    }
    return out;
  }

  reserveName(name: string, id: string): void {
    const owner = this.byName.get(name);
    if (owner && owner !== id) {
      throw new ConflictError(
        `Conflict. The container name "/${name}" is already in use by container "${owner}". You have to remove (or rename) that container to be able to reuse that name.`,
      );
    }
    this.byName.set(name, id);
  }

  releaseName(name: string): void {
    this.byName.delete(name);
  }

  hasName(name: string): boolean {
    return this.byName.has(name);
  }

  add(c: Container): void {
    this.byId.set(c.id, c);
    this.save(c);
  }

  save(c: Container): void {
    if (c.removed) return;
    fs.mkdirSync(this.dir(c.id), { recursive: true, mode: 0o710 });
    writeJsonReplaceSync(path.join(this.dir(c.id), 'config.v2.json'), c.record);
  }

  delete(c: Container): void {
    c.removed = true;
    this.byId.delete(c.id);
    if (this.byName.get(c.name) === c.id) this.byName.delete(c.name);
    removeInBackground(this.dir(c.id), this.trash);
  }

  list(): Container[] {
    return [...this.byId.values()];
  }

  /** Resolves a full ID, a name (with or without '/'), or a unique ID prefix, like dockerd. */
  get(ref: string): Container {
    if (!ref) throw new InvalidParameterError('No container name or ID supplied');
    const exact = this.byId.get(ref);
    if (exact) return exact;
    const byName = this.byName.get(ref.replace(/^\//, ''));
    if (byName) {
      const c = this.byId.get(byName);
      if (c) return c;
    }
    if (/^[0-9a-f]+$/.test(ref)) {
      const matches = [...this.byId.keys()].filter((id) => id.startsWith(ref));
      if (matches.length === 1) return this.byId.get(matches[0]!)!;
      if (matches.length > 1) throw new InvalidParameterError(`multiple IDs found with provided prefix: ${ref}`);
    }
    throw new NotFoundError(`No such container: ${ref}`);
  }
}
