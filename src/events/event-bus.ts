// The one event bus: a ring of the last 256 events for `since` replay (dockerd keeps as many) and
// a bounded queue per subscriber. Publishing is O(subscribers) and synchronous; a subscriber that
// lets its queue fill up (a client that stopped reading) is cut off, never waited for.
import { eventMatches, type EventFilters } from './event-filter.js';
import type { EventMessage, EventSink, EventType } from './types.js';

export const RING_SIZE = 256;
export const SUBSCRIBER_QUEUE_LIMIT = 1024;

export type EventPredicate = (ev: EventMessage) => boolean;

/** A live subscription: an async iterable of events that ends on close() or when it fell behind. */
export class EventSubscription implements AsyncIterable<EventMessage> {
  private readonly queue: EventMessage[] = [];
  private waiting: ((r: IteratorResult<EventMessage>) => void) | undefined;
  private closed = false;
  /** set when the bus cut this subscriber off because its queue was full */
  overflowed = false;

  constructor(private readonly matches: EventPredicate, private readonly limit: number, private readonly onClose: () => void) {}

  /** Called by the bus: never blocks. */
  offer(ev: EventMessage): void {
    if (this.closed || !this.matches(ev)) return;
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = undefined;
      w({ value: ev, done: false });
      return;
    }
    if (this.queue.length >= this.limit) {
      this.overflowed = true;
      this.close();
      return;
    }
    this.queue.push(ev);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
    const w = this.waiting;
    this.waiting = undefined;
    w?.({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<EventMessage>> {
    const ev = this.queue.shift();
    if (ev) return Promise.resolve({ value: ev, done: false });
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => { this.waiting = resolve; });
  }

  [Symbol.asyncIterator](): AsyncIterator<EventMessage> {
    return { next: () => this.next(), return: () => { this.close(); return Promise.resolve({ value: undefined, done: true }); } };
  }
}

/** Monotonic nanosecond clock anchored to the wall clock, so events published in one millisecond keep their order. */
function nanoClock(): () => bigint {
  const baseWall = BigInt(Date.now()) * 1_000_000n;
  const baseHr = process.hrtime.bigint();
  let last = 0n;
  return () => {
    let t = baseWall + (process.hrtime.bigint() - baseHr);
    if (t <= last) t = last + 1n;
    last = t;
    return t;
  };
}

export class EventBus implements EventSink {
  private readonly ring: EventMessage[] = [];
  private readonly subscribers = new Set<EventSubscription>();
  /** in-process followers (e.g. health checks following container starts), called synchronously */
  private readonly followers = new Set<(ev: EventMessage) => void>();
  private readonly now = nanoClock();

  constructor(private readonly ringSize = RING_SIZE, private readonly queueLimit = SUBSCRIBER_QUEUE_LIMIT) {}

  publish(type: EventType, action: string, actorId: string, attributes: Record<string, string> = {}): void {
    const timeNano = this.now();
    const ev: EventMessage = {
      Type: type, Action: action, Actor: { ID: actorId, Attributes: { ...attributes } },
      scope: 'local', time: Number(timeNano / 1_000_000_000n), timeNano,
    };
    this.ring.push(ev);
    if (this.ring.length > this.ringSize) this.ring.shift();
    for (const s of this.subscribers) s.offer(ev);
    for (const f of this.followers) {
      try { f(ev); } catch { /* a follower's failure is its own */ }
    }
  }

  /** An in-process follower of every event; returns its removal. Followers must not block. */
  follow(listener: (ev: EventMessage) => void): () => void {
    this.followers.add(listener);
    return () => this.followers.delete(listener);
  }

  /**
   * dockerd's SubscribeTopic: the buffered events between since and until (only when either is
   * given; nanoseconds, inclusive) that match, and a live subscription for what comes next.
   */
  subscribe(matches: EventPredicate, window: { since?: bigint; until?: bigint }): { buffered: EventMessage[]; live: EventSubscription } {
    const buffered: EventMessage[] = [];
    if (window.since !== undefined || window.until !== undefined) {
      const since = window.since ?? 0n;
      for (const ev of this.ring) {
        if (ev.timeNano < since) continue;
        if (window.until !== undefined && window.until > 0n && ev.timeNano > window.until) continue;
        if (matches(ev)) buffered.push(ev);
      }
    }
    const live: EventSubscription = new EventSubscription(matches, this.queueLimit, () => this.subscribers.delete(live));
    this.subscribers.add(live);
    return { buffered, live };
  }

  /** The events router's backend: subscribe() with dockerd's filters. */
  subscribeToEvents(filters: EventFilters, window: { since?: bigint; until?: bigint }): { buffered: EventMessage[]; live: EventSubscription } {
    return this.subscribe((ev) => eventMatches(filters, ev), window);
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }
}
