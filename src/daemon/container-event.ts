// A container event from a Container (the subject fields events/container-events.ts wants).
import { containerEvent } from '../events/actor-events.js';
import type { EventSink } from '../events/types.js';
import type { Container } from './container.js';

export function emitContainerEvent(sink: EventSink | undefined, c: Container, action: string, extra?: Record<string, string>): void {
  if (!sink) return;
  containerEvent(sink, { id: c.id, name: c.name, image: c.record.config.Image ?? '', labels: c.record.config.Labels }, action, extra);
}
