// Health checks follow containers through the event bus: a `start` begins probing, a `die` or
// `destroy` ends it. (No hook in the start path is needed; a restart policy's start counts too.)
import type { EventMessage } from '../events/types.js';
import type { HealthMonitor } from './health-monitor.js';

export interface EventFollowable {
  follow(listener: (ev: EventMessage) => void): () => void;
}

export function followContainerLifecycle(bus: EventFollowable, monitor: Pick<HealthMonitor, 'start' | 'stop'>): () => void {
  return bus.follow((ev) => {
    if (ev.Type !== 'container') return;
    if (ev.Action === 'start') monitor.start(ev.Actor.ID);
    else if (ev.Action === 'die' || ev.Action === 'destroy') monitor.stop(ev.Actor.ID);
  });
}
