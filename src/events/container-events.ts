// The Actor attributes dockerd gives container, image and volume events (daemon/events.go): the
// helpers the daemon modules call so that every publisher fills them the same way.
import type { EventSink } from './types.js';

export interface ContainerEventSubject {
  id: string;
  name: string;
  /** Config.Image as the user gave it */
  image: string;
  labels: Record<string, string> | null | undefined;
}

/** LogContainerEventWithAttributes: the container's labels, then image and name, then the extras. */
export function containerEvent(sink: EventSink, c: ContainerEventSubject, action: string, extra: Record<string, string> = {}): void {
  const attributes: Record<string, string> = { ...(c.labels ?? {}) };
  attributes.image = c.image;
  attributes.name = c.name.replace(/^\/+/, '');
  sink.publish('container', action, c.id, { ...attributes, ...extra });
}

/** LogImageEvent: the reference the action was about (name) and the image's labels. */
export function imageEvent(sink: EventSink, imageId: string, refName: string, action: string, labels?: Record<string, string> | null): void {
  sink.publish('image', action, imageId, { ...(labels ?? {}), name: refName });
}

/** LogVolumeEvent */
export function volumeEvent(sink: EventSink, name: string, action: string, attributes: Record<string, string>): void {
  sink.publish('volume', action, name, attributes);
}
