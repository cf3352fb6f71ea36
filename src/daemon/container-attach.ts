// A container's streams for clients: `docker logs` (from the log file), attach (replayed logs, live
// output, stdin with detach keys) and TTY resize.
import fs from 'node:fs';
import type {
  AttachOptions, ContainerStreamsBackend, LogEntry, LogsOptions, PreparedAttach,
} from '../api/routers/containers/backend.js';
import { ConflictError, NotImplementedError } from '../errdefs/index.js';
import { DEFAULT_DETACH_KEYS, parseDetachKeys } from '../internal/detach-keys.js';
import { formatRfc3339NanoFixed, parseRfc3339Nano } from '../logger/rfc3339-nano.js';
import { copyClientStdin } from './client-stdin.js';
import type { DaemonContext } from './context.js';

export class ContainerAttachService implements ContainerStreamsBackend {
  constructor(private readonly ctx: DaemonContext) {}

  async containerLogs(ref: string, options: LogsOptions, signal: AbortSignal): Promise<{ tty: boolean; entries: AsyncIterable<LogEntry[]> }> {
    const c = this.ctx.store.get(ref);
    const logPath = c.record.logPath;
    if (!logPath) throw new NotImplementedError('configured logging driver does not support reading');
    const source = this.ctx.logs.read(logPath, {
      stdout: options.stdout, stderr: options.stderr, follow: options.follow, signal,
      ...(options.tail !== undefined ? { tail: options.tail } : {}),
      ...(options.since ? { since: options.since } : {}),
      ...(options.until ? { until: options.until } : {}),
      isRunning: () => c.running && !c.removed,
    });
    async function* entries(): AsyncIterable<LogEntry[]> {
      if (!fs.existsSync(logPath)) return;
      // `docker logs -t` shows nine fraction digits always (dockerd's RFC3339NanoFixed), while the
      // file holds Go's RFC3339Nano with trailing zeros trimmed.
      for await (const batch of source) {
        yield options.timestamps
          ? batch.map((r) => ({ stream: r.stream, line: r.line, timeText: fixedTimestamp(r.timeText), ...(r.attrs ? { attrs: r.attrs } : {}) }))
          : batch;
      }
    }
    return { tty: Boolean(c.record.config.Tty), entries: entries() };
  }

  async containerAttach(ref: string, options: AttachOptions): Promise<PreparedAttach> {
    const c = this.ctx.store.get(ref);
    if (c.record.state.status === 'paused') throw new ConflictError(`You cannot attach to a paused container, unpause it first`);
    const tty = Boolean(c.record.config.Tty);
    // As in dockerd, detach keys apply to TTY containers only; other stdin is copied verbatim.
    const detachKeys = tty ? parseDetachKeys(options.detachKeys ?? DEFAULT_DETACH_KEYS) : Buffer.alloc(0);
    return {
      tty,
      run: async (io) => {
        if (options.logs && c.record.logPath && fs.existsSync(c.record.logPath)) {
          for await (const batch of this.ctx.logs.read(c.record.logPath, { stdout: options.stdout, stderr: options.stderr, follow: false })) {
            for (const r of batch) if (!io.output(r.stream, r.line)) await io.drained();
          }
        }
        if (!options.stream) return;
        this.ctx.emit(c, 'attach');
        await new Promise<void>((resolve) => {
          let finished = false;
          const finish = (): void => {
            if (finished) return;
            finished = true;
            unsubscribe();
            io.signal.removeEventListener('abort', finish);
            resolve();
          };
          const unsubscribe = c.streams.subscribe({
            output: (stream, data) => {
              if ((stream === 'stdout' && options.stdout) || (stream === 'stderr' && options.stderr)) return io.output(stream, data);
              return true;
            },
            drained: () => io.drained(),
            end: finish,
          });
          io.signal.addEventListener('abort', finish, { once: true });
          if (c.removed) finish();
          if (options.stdin && io.stdin && c.record.config.OpenStdin) {
            void copyClientStdin(io.stdin, {
              target: () => c.streams.whenStdin(), tty, detachKeys, closeOnEof: Boolean(c.record.config.StdinOnce),
              closeIO: () => this.ctx.runtime.closeStdin(c.id, '').catch((err: unknown) => this.ctx.config.log(`close stdin of ${c.id}: ${String(err)}`)),
            }).then((end) => { if (end === 'detached') { this.ctx.emit(c, 'detach'); finish(); } });
          }
        });
      },
    };
  }

  async containerResize(ref: string, height: number, width: number): Promise<void> {
    const c = this.ctx.store.get(ref);
    if (!c.running) throw new ConflictError(`Container ${c.id} is not running`);
    if (height <= 0 || width <= 0) return;
    await this.ctx.runtime.resizePty(c.id, '', width, height);
    this.ctx.emit(c, 'resize', { height: String(height), width: String(width) });
  }
}

function fixedTimestamp(text: string): string {
  const ns = parseRfc3339Nano(text);
  return ns === undefined ? text : formatRfc3339NanoFixed(ns);
}
