// The bytes of a batch of log records for GET /containers/{id}/logs: each record its own stdcopy
// frame (as dockerd sends them; clients such as docker-py yield one frame per record), all of a
// batch in one buffer so the socket gets one large write instead of one per line.
import { StreamId } from '../../../internal/stdcopy.js';
import { detailsPrefix } from '../../../logger/log-config.js';
import type { LogEntry } from './backend.js';

export interface LogFrameOptions {
  timestamps: boolean;
  details: boolean;
}

export function logFrames(batch: readonly LogEntry[], tty: boolean, options: LogFrameOptions): Buffer {
  const header = tty ? 0 : 8;
  const prefixes = options.timestamps || options.details
    ? batch.map((e) => Buffer.from((options.timestamps ? `${e.timeText} ` : '') + (options.details ? detailsPrefix(e.attrs) : ''), 'utf8'))
    : undefined;
  let size = 0;
  for (let k = 0; k < batch.length; k++) size += header + (prefixes?.[k]!.length ?? 0) + batch[k]!.line.length;
  const out = Buffer.allocUnsafe(size);
  let o = 0;
  for (let k = 0; k < batch.length; k++) {
    const e = batch[k]!;
    const prefix = prefixes?.[k];
    const payload = (prefix?.length ?? 0) + e.line.length;
    if (!tty) {
      out[o] = e.stream === 'stderr' ? StreamId.Stderr : StreamId.Stdout;
      out[o + 1] = 0; out[o + 2] = 0; out[o + 3] = 0;
      out.writeUInt32BE(payload, o + 4);
      o += 8;
    }
    if (prefix !== undefined) o += prefix.copy(out, o);
    o += e.line.copy(out, o);
  }
  return out;
}
