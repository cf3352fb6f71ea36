// Health probes of running containers: one timer per container (start interval during the start
// period while still starting, then the interval), each probe an exec in the container with a
// timeout; results go into State.Health, status changes out as `health_status: …` events. Timers
// stop when the container stops; after a berthd restart, resume() picks running containers up again.
import { probeCommand, probeTimings, goDurationString, type HealthConfig, type ProbeTimings } from './health-config.js';
import { applyProbeResult, type HealthState } from './health-state.js';

/** What the monitor needs of a container (the daemon's Container has it). */
export interface HealthContainer {
  readonly id: string;
  record: {
    config: { Healthcheck?: object | null; Shell?: string[] | null };
    state: { status: string; startedAt: string; health?: HealthState };
  };
}

export interface ProbeRun {
  exitCode: number;
  output: string;
}

export interface HealthMonitorDeps {
  find(id: string): HealthContainer | undefined;
  /** runs `cmd` as an exec in the container; resolves with exitCode -1 and dockerd's text on timeout */
  runProbe(containerId: string, cmd: string[], timeoutMs: number): Promise<ProbeRun>;
  save(c: HealthContainer): void;
  emit(c: HealthContainer, action: string): void;
  log(msg: string): void;
}

interface Active { timer?: NodeJS.Timeout }

export class HealthMonitor {
  private readonly active = new Map<string, Active>();

  constructor(private readonly deps: HealthMonitorDeps) {}

  private configOf(c: HealthContainer): { cmd: string[]; timings: ProbeTimings } | undefined {
    const hc = c.record.config.Healthcheck as HealthConfig | null | undefined;
    const cmd = probeCommand(hc, c.record.config.Shell);
    return hc && cmd ? { cmd, timings: probeTimings(hc) } : undefined;
  }

  /** The container started (or was found running after a restart): status `starting`, probes scheduled. */
  start(id: string): void {
    this.stop(id);
    const c = this.deps.find(id);
    if (!c || !this.configOf(c)) return;
    c.record.state.health = { status: 'starting', failingStreak: 0, log: c.record.state.health?.log ?? [] };
    this.deps.save(c);
    const entry: Active = {};
    this.active.set(id, entry);
    this.schedule(c, entry);
  }

  /** The container stopped or went away: no more probes (a probe in flight is discarded). */
  stop(id: string): void {
    const entry = this.active.get(id);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.active.delete(id);
  }

  /** After a berthd restart: every running container with a health check is monitored again. */
  resume(containers: HealthContainer[]): void {
    for (const c of containers) {
      if (c.record.state.status === 'running' || c.record.state.status === 'paused') this.start(c.id);
    }
  }

  stopAll(): void {
    for (const id of [...this.active.keys()]) this.stop(id);
  }

  get monitored(): number {
    return this.active.size;
  }

  private delay(c: HealthContainer, t: ProbeTimings): number {
    const sinceStart = Date.now() - Date.parse(c.record.state.startedAt);
    if (sinceStart >= t.startPeriodMs) return t.intervalMs;
    return c.record.state.health?.status === 'starting' ? t.startIntervalMs : t.intervalMs;
  }

  private schedule(c: HealthContainer, entry: Active): void {
    const cfg = this.configOf(c);
    if (!cfg) return;
    entry.timer = setTimeout(() => void this.probe(c.id, entry), this.delay(c, cfg.timings));
    entry.timer.unref();
  }

  private async probe(id: string, entry: Active): Promise<void> {
    const c = this.deps.find(id);
    const cfg = c && this.configOf(c);
    if (!c || !cfg || this.active.get(id) !== entry) return;
    const start = new Date();
    let r: ProbeRun;
    try {
      r = await this.deps.runProbe(id, cfg.cmd, cfg.timings.timeoutMs);
    } catch (err) {
      r = { exitCode: -1, output: (err as Error).message ?? String(err) };
    }
    if (this.active.get(id) !== entry) return;
    const h = c.record.state.health ?? { status: 'starting', failingStreak: 0, log: [] };
    const changed = applyProbeResult(h, { Start: start.toISOString(), End: new Date().toISOString(), ExitCode: r.exitCode, Output: r.output }, cfg.timings, c.record.state.startedAt);
    c.record.state.health = h;
    try { this.deps.save(c); } catch (err) { this.deps.log(`health of ${id}: ${(err as Error).message}`); }
    if (changed) this.deps.emit(c, `health_status: ${changed}`);
    this.schedule(c, entry);
  }
}

/** dockerd's text for a probe that ran past its timeout. */
export function timeoutOutput(timeoutMs: number): string {
  return `Health check exceeded timeout (${goDurationString(timeoutMs)})`;
}
