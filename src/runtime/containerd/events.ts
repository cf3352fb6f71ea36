// Task events from containerd's event stream. The stream ends whenever containerd restarts and
// missed events are not replayed, so the subscription reopens itself with backoff and then tells the
// caller (onReconnect) to reconcile with Tasks.List.
import type { ClientReadableStream } from '@grpc/grpc-js';
import type { RuntimeEvent } from '../runtime.js';
import type { Connection } from './connection.js';
import { decodeEvent } from './proto.js';
import { toDate, type WireAny, type WireTimestamp } from './wire.js';

const TOPICS = ['/tasks/exit', '/tasks/oom', '/tasks/paused', '/tasks/resumed'];
const MIN_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 2000;

interface Envelope {
  namespace: string;
  topic: string;
  event: WireAny | null;
}

/** containerd filter syntax: entries are OR'ed, comma-separated conditions inside one are AND'ed. */
export function eventFilters(namespace: string): string[] {
  return TOPICS.map((topic) => `namespace==${JSON.stringify(namespace)},topic==${JSON.stringify(topic)}`);
}

/** Maps one envelope to our event type; undefined for topics we do not forward. */
export function toRuntimeEvent(envelope: Envelope): RuntimeEvent | undefined {
  if (!envelope.event?.type_url) return undefined;
  const payload = decodeEvent(envelope.event.type_url, envelope.event.value);
  if (!payload) return undefined;
  const containerId = String(payload.containerId ?? '');
  switch (envelope.topic) {
    case '/tasks/exit': {
      const id = String(payload.id ?? '');
      return {
        type: 'exit',
        event: {
          containerId,
          // the init process reports its container id as `id`; execs report their exec id
          execId: id === containerId ? '' : id,
          pid: Number(payload.pid ?? 0),
          exitStatus: Number(payload.exitStatus ?? 0),
          exitedAt: toDate(payload.exitedAt as WireTimestamp | null),
        },
      };
    }
    case '/tasks/oom':
      return { type: 'oom', containerId };
    case '/tasks/paused':
      return { type: 'paused', containerId };
    case '/tasks/resumed':
      return { type: 'resumed', containerId };
    default:
      return undefined;
  }
}

export function subscribeEvents(
  conn: Connection,
  onEvent: (event: RuntimeEvent) => void,
  onReconnect?: () => void,
): () => void {
  let stream: ClientReadableStream<Envelope> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let backoff = MIN_BACKOFF_MS;

  const open = (reconnecting: boolean): void => {
    if (stopped) return;
    const current = conn.serverStream<Envelope>('events', 'Subscribe', { filters: eventFilters(conn.namespace) });
    stream = current;
    let failed = false;
    const fail = (): void => {
      if (failed || stopped) return;
      failed = true;
      current.removeAllListeners();
      current.on('error', () => undefined);
      current.cancel();
      timer = setTimeout(() => open(true), backoff);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    };
    current.on('data', (envelope: Envelope) => {
      backoff = MIN_BACKOFF_MS;
      const event = toRuntimeEvent(envelope);
      if (event) onEvent(event);
    });
    current.on('error', fail);
    current.on('end', fail);
    if (reconnecting) {
      // A server stream says nothing until its first event, so prove containerd is back with a
      // unary call on the same channel; only then is reconciling worthwhile.
      conn.unary('version', 'Version', {}).then(
        () => {
          if (failed || stopped) return;
          backoff = MIN_BACKOFF_MS;
          onReconnect?.();
        },
        () => fail(),
      );
    }
  };

  open(false);
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    if (stream) {
      stream.removeAllListeners();
      stream.on('error', () => undefined);
      stream.cancel();
    }
  };
}
