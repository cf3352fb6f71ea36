// GET /events: buffered events since `since`, then a live stream until `until` or the client
// leaves (moby's getEvents). Parameters are checked before the first byte. From 1.52 the client
// may negotiate application/x-ndjson or application/json-seq (RFC 7464), from 1.53 application/jsonl.
import { once } from 'node:events';
import { InvalidParameterError } from '../../../errdefs/index.js';
import { parseEventTime } from '../../../events/event-time.js';
import { versionLt } from '../../../internal/version.js';
import type { RequestContext } from '../../server/context.js';
import type { Route, Router } from '../../server/route.js';
import { parseFilters } from '../containers/filters.js';
import type { EventsBackend } from './backend.js';
import { shapeEvent } from './shape.js';

const JSON_SEQ = 'application/json-seq';

/** The first acceptable type in the Accept header's order (q values are not weighed, as moby's negotiation). */
export function negotiateEventsContentType(accept: string | undefined, version: string): string {
  if (versionLt(version, '1.52') || !accept) return 'application/json';
  const offered = ['application/x-ndjson', JSON_SEQ];
  if (!versionLt(version, '1.53')) offered.push('application/jsonl');
  for (const part of accept.split(',')) {
    const type = part.split(';')[0]!.trim().toLowerCase();
    if (offered.includes(type)) return type;
  }
  return 'application/json';
}

/** setTimeout beyond its 2^31-1 ms limit (an `until` weeks ahead), re-armed in steps. */
function longTimeout(fn: () => void, ms: number): { cancel(): void } {
  const MAX = 2 ** 31 - 1;
  let t: NodeJS.Timeout;
  const arm = (left: number): void => { t = setTimeout(() => (left > MAX ? arm(left - MAX) : fn()), Math.min(left, MAX)); };
  arm(ms);
  return { cancel: () => clearTimeout(t) };
}

export class EventsRouter implements Router {
  constructor(private readonly backend: EventsBackend) {}

  routes(): Route[] {
    return [{ method: 'GET', path: '/events', handler: (c) => this.getEvents(c) }];
  }

  private async getEvents(ctx: RequestContext): Promise<void> {
    const filters = parseFilters(ctx.string('filters'));
    const now = Date.now();
    const since = parseEventTime(ctx.string('since'), now);
    const until = parseEventTime(ctx.string('until'), now);
    let onlyPast = false;
    let timeoutMs: number | undefined;
    if (until !== undefined) {
      if (until < (since ?? 0n)) {
        throw new InvalidParameterError(`\`since\` time (${ctx.string('since') ?? ''}) cannot be after \`until\` time (${ctx.string('until') ?? ''})`);
      }
      const nowNs = BigInt(Date.now()) * 1_000_000n;
      onlyPast = until < nowNs;
      if (!onlyPast) timeoutMs = Number((until - nowNs) / 1_000_000n) + 1;
    }
    const contentType = negotiateEventsContentType(ctx.req.headers.accept, ctx.version);
    const prefix = contentType === JSON_SEQ ? '\x1e' : '';
    const res = ctx.stream(contentType);
    const { buffered, live } = this.backend.subscribeToEvents(filters, { since, until });
    const timer = timeoutMs !== undefined ? longTimeout(() => live.close(), timeoutMs) : undefined;
    const onAbort = (): void => live.close();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    try {
      const write = async (ev: Parameters<typeof shapeEvent>[0]): Promise<void> => {
        const text = shapeEvent(ev, ctx.version);
        if (text === undefined) return;
        if (!res.write(`${prefix}${text}\n`)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
      };
      for (const ev of buffered) await write(ev);
      if (!onlyPast) for await (const ev of live) await write(ev);
    } finally {
      live.close();
      timer?.cancel();
      ctx.signal.removeEventListener('abort', onAbort);
      res.end();
    }
  }
}
