// What the events router needs (GET /events): buffered events in a window, then a live stream.
import type { EventFilters } from '../../../events/event-filter.js';
import type { EventMessage } from '../../../events/types.js';

export interface EventStream extends AsyncIterable<EventMessage> {
  close(): void;
}

export interface EventsBackend {
  /** Events from memory between since and until (nanoseconds, when either is given), then live ones; both filtered. */
  subscribeToEvents(filters: EventFilters, window: { since?: bigint; until?: bigint }): { buffered: EventMessage[]; live: EventStream };
}
