// The event model every area publishes to (dockerd's events.Message) and the narrow sink interface
// other areas depend on. Networking, registry, builder and others import only this file:
//
//   sink.publish('network', 'create', networkId, { name: 'net1', type: 'bridge' });
//
// `attributes` are the Actor's attributes as dockerd sets them (for containers: image, name, the
// container's labels and action-specific ones such as exitCode or signal; for images: name and the
// image's labels; for volumes: driver, container, destination...). Publishing never blocks and never
// throws: a slow reader is cut off by the bus, not waited for.

export type EventType = 'container' | 'image' | 'volume' | 'network' | 'daemon' | 'plugin' | 'node' | 'service' | 'secret' | 'config' | 'builder';

export interface EventActor {
  ID: string;
  Attributes: Record<string, string>;
}

export interface EventMessage {
  Type: EventType;
  Action: string;
  Actor: EventActor;
  scope: 'local' | 'swarm';
  /** unix seconds */
  time: number;
  /** unix nanoseconds (beyond a double's precision, hence bigint) */
  timeNano: bigint;
}

export interface EventSink {
  publish(type: EventType, action: string, actorId: string, attributes?: Record<string, string>): void;
}

/** For modules used without a bus (unit tests, tools). */
export const noEvents: EventSink = { publish: () => undefined };
