// Restart policies with dockerd's semantics: which exits restart a container (no, always,
// unless-stopped, on-failure[:N]), the backoff between restarts (100 ms doubling up to one minute,
// reset once the container ran for 10 s), and cancellation by a manual stop, kill or removal.
// One manager per container run sequence: a manual start replaces it (and resets the count).
import type { RestartPolicy } from '../api/types/container.js';

const DEFAULT_DELAY_MS = 100;
const MAX_DELAY_MS = 60_000;
const RESET_AFTER_MS = 10_000;

export type RestartDecision = { restart: false } | { restart: true; delayMs: number };

/** Whether a policy restarts after this exit, ignoring backoff and cancellation (used at daemon start too). */
export function policyWantsRestart(
  policy: RestartPolicy | undefined, exitCode: number, manuallyStopped: boolean, restartCount: number,
): boolean {
  switch (policy?.Name) {
    case 'always': return true;
    case 'unless-stopped': return !manuallyStopped;
    case 'on-failure': {
      // MaximumRetryCount 0 means no limit, as in dockerd.
      const max = policy.MaximumRetryCount ?? 0;
      return exitCode !== 0 && (max === 0 || restartCount < max);
    }
    default: return false;
  }
}

export class RestartManager {
  private delayMs = 0;
  private canceled = false;
  private pending: { timer: NodeJS.Timeout; resolve: (go: boolean) => void } | undefined;

  constructor(private policy: RestartPolicy | undefined, private restartCount: number) {}

  /** `docker update --restart` changes the policy of a live manager. */
  setPolicy(policy: RestartPolicy | undefined): void {
    this.policy = policy;
  }

  get isCanceled(): boolean {
    return this.canceled;
  }

  /** Decides about one exit; a positive decision counts as a restart and grows the backoff. */
  shouldRestart(exitCode: number, manuallyStopped: boolean, ranForMs: number): RestartDecision {
    if (this.canceled) return { restart: false };
    if (ranForMs >= RESET_AFTER_MS) this.delayMs = 0;
    this.delayMs = this.delayMs === 0 ? DEFAULT_DELAY_MS : Math.min(this.delayMs * 2, MAX_DELAY_MS);
    if (!policyWantsRestart(this.policy, exitCode, manuallyStopped, this.restartCount)) return { restart: false };
    this.restartCount++;
    return { restart: true, delayMs: this.delayMs };
  }

  /** Waits out the backoff: true to go on with the restart, false when canceled meanwhile. */
  wait(delayMs: number): Promise<boolean> {
    if (this.canceled) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => { this.pending = undefined; resolve(!this.canceled); }, delayMs);
      this.pending = { timer, resolve };
    });
  }

  /** A manual stop, kill or removal: no more restarts from this manager. */
  cancel(): void {
    this.canceled = true;
    const p = this.pending;
    this.pending = undefined;
    if (p) { clearTimeout(p.timer); p.resolve(false); }
  }
}
