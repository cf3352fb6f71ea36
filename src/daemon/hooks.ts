// The points where other areas (networking, volumes, health checks, events, images) join a
// container's life without editing the create/start/exit/remove paths: an ordered list of
// participants, each implementing the steps it cares about.
import type { SpecOption } from '../oci/spec.js';
import type { Container } from './container.js';

export interface ContainerParticipant {
  /** for log lines */
  readonly name: string;
  /** create: the record is written, nothing runs yet. Throwing refuses the create (it is rolled back). */
  prepare?(c: Container): Promise<void>;
  /**
   * start: before the task is created. Returns spec options applied after the container's own
   * (e.g. a network namespace path, volume mounts). Throwing fails the start.
   */
  beforeTaskStart?(c: Container): Promise<SpecOption[]>;
  /** start failed after beforeTaskStart: undo what it set up. Failures are logged, never thrown. */
  startFailed?(c: Container): Promise<void>;
  /** exit: the task is gone and the exit recorded. Failures are logged, never thrown. */
  afterExit?(c: Container): Promise<void>;
  /** remove: the container's record and filesystem are gone. Failures are logged, never thrown. */
  release?(c: Container): Promise<void>;
}

export class ContainerHooks {
  private readonly participants: ContainerParticipant[] = [];

  constructor(private readonly log: (msg: string) => void) {}

  /** Participants run in the order they were added (exit and remove steps in reverse order). */
  add(p: ContainerParticipant): void {
    this.participants.push(p);
  }

  async prepare(c: Container): Promise<void> {
    for (const p of this.participants) await p.prepare?.(c);
  }

  async beforeTaskStart(c: Container): Promise<SpecOption[]> {
    const options: SpecOption[] = [];
    for (const p of this.participants) if (p.beforeTaskStart) options.push(...await p.beforeTaskStart(c));
    return options;
  }

  async afterExit(c: Container): Promise<void> {
    await this.unwind(c, 'afterExit');
  }

  async release(c: Container): Promise<void> {
    await this.unwind(c, 'release');
  }

  async startFailed(c: Container): Promise<void> {
    await this.unwind(c, 'startFailed');
  }

  private async unwind(c: Container, step: 'afterExit' | 'release' | 'startFailed'): Promise<void> {
    for (const p of [...this.participants].reverse()) {
      await p[step]?.(c).catch((err: unknown) => this.log(`${p.name} ${step} ${c.id}: ${(err as Error).message ?? String(err)}`));
    }
  }
}
