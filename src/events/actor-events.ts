// The Actor attributes dockerd gives each kind of event (daemon/events.go): the helpers publishers
// call so that every event of a type carries the same attributes (containers: labels, image, name;
// images: labels, name; volumes: driver...; networks: name, type).
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

/**
 * LogNetworkEvent / LogNetworkEventWithAttributes: the network's name and driver type, plus extras
 * (`container` for connect and disconnect). For networking to call when it lands.
 */
export function networkEvent(sink: EventSink, networkId: string, name: string, driverType: string, action: string, extra: Record<string, string> = {}): void {
  sink.publish('network', action, networkId, { ...extra, name, type: driverType });
}

/** The daemon's own events (`reload`): Actor ID is the engine ID, with the daemon's name. */
export function daemonEvent(sink: EventSink, engineId: string, daemonName: string, action: string, attributes: Record<string, string> = {}): void {
  sink.publish('daemon', action, engineId, { ...attributes, name: daemonName });
}
