// The configuration as it is now: read at start, re-read on SIGHUP. A reload changes only what
// dockerd reloads (labels, debug, log level, live-restore, shutdown timeout, registries,
// concurrency, runtimes); the rest waits for a restart. Areas subscribe with onReload; the reload
// is announced as a `daemon reload` event through a sink the events area provides.
import { readDaemonJson } from './daemon-json.js';
import { checkConflicts, mergeFile, settingsOf, type CoreFlags, type DaemonSettings } from './merge.js';

export type ReloadListener = (next: DaemonSettings, previous: DaemonSettings) => void;

/** Where `daemon reload` goes (the events area: Type "daemon", Action "reload", Actor ID = engine ID, + name). */
export interface DaemonEventSink {
  daemonReload(attributes: Record<string, string>): void;
}

export const noDaemonEvents: DaemonEventSink = { daemonReload: () => undefined };

export class LiveConfig {
  private current: DaemonSettings;
  private readonly listeners: ReloadListener[] = [];
  private events: DaemonEventSink = noDaemonEvents;

  /** `cmdline`: the flags as given, before daemon.json was merged in. */
  constructor(
    initial: DaemonSettings,
    private readonly cmdline: CoreFlags & { configFile: string },
    private readonly log: (level: 'info' | 'error', msg: string) => void = () => undefined,
  ) {
    this.current = initial;
  }

  get settings(): DaemonSettings {
    return this.current;
  }

  onReload(listener: ReloadListener): void {
    this.listeners.push(listener);
  }

  /** Wiring: the events area's sink for `daemon reload`. */
  setEventSink(sink: DaemonEventSink): void {
    this.events = sink;
  }

  /** Re-reads the file; on error nothing changes and the error is returned (and logged). */
  reload(): Error | undefined {
    let next: DaemonSettings;
    try {
      const file = readDaemonJson(this.cmdline.configFile, this.cmdline.given.has('config-file'));
      checkConflicts(this.cmdline, file);
      const fresh = settingsOf(mergeFile(this.cmdline, file), file);
      next = {
        ...this.current,
        labels: fresh.labels, debug: fresh.debug, logLevel: fresh.logLevel, liveRestore: fresh.liveRestore,
        shutdownTimeout: fresh.shutdownTimeout, registries: fresh.registries, concurrency: fresh.concurrency, runtimes: fresh.runtimes,
      };
    } catch (err) {
      this.log('error', `Error reconfiguring the daemon: ${(err as Error).message}`);
      return err as Error;
    }
    const previous = this.current;
    this.current = next;
    for (const l of this.listeners) {
      try { l(next, previous); } catch (err) { this.log('error', `reload listener: ${(err as Error).message}`); }
    }
    const attributes = reloadAttributes(next);
    this.log('info', `Reloaded configuration: ${Object.entries(attributes).map(([k, v]) => `${k}=${v}`).join(' ')}`);
    this.events.daemonReload(attributes);
    return undefined;
  }
}

/** The attributes of dockerd's `daemon reload` event (daemon/reload.go), minus `name` which the sink adds. */
export function reloadAttributes(s: DaemonSettings): Record<string, string> {
  return {
    debug: String(s.debug),
    labels: JSON.stringify(s.labels),
    'live-restore': String(s.liveRestore),
    'log-level': s.logLevel,
    'insecure-registries': JSON.stringify(s.registries.insecure),
    'registry-mirrors': JSON.stringify(s.registries.mirrors),
    'max-concurrent-downloads': String(s.concurrency.downloads),
    'max-concurrent-uploads': String(s.concurrency.uploads),
    'max-download-attempts': String(s.concurrency.downloadAttempts),
    'shutdown-timeout': String(s.shutdownTimeout),
    'default-runtime': s.runtimes.default ?? 'runc',
    runtimes: Object.keys(s.runtimes.entries).concat(['runc', 'io.containerd.runc.v2']).join(', '),
  };
}
