// Where network events leave the network area (`docker events` type "network"): one sink, called
// for create, connect, disconnect and destroy. The events area wires a real one at merge; until then
// NO_EVENTS drops them.

export type NetworkAction = 'create' | 'connect' | 'disconnect' | 'destroy' | 'remove';

export interface NetworkEvent {
  action: NetworkAction;
  /** network ID */
  id: string;
  /** dockerd's Actor.Attributes: name, type (driver), and `container` for connect/disconnect */
  attributes: Record<string, string>;
}

export interface NetworkEventSink {
  publish(e: NetworkEvent): void;
}

export const NO_EVENTS: NetworkEventSink = { publish: () => undefined };
