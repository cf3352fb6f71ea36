// The distribution area's side of image events: dockerd emits `pull` and `push` for the reference
// (familiar form, "busybox:latest"). The events area implements this sink; until it is wired the
// daemon passes NO_IMAGE_EVENTS.
export type ImageEventAction = 'pull' | 'push';

export interface ImageEventSink {
  imageEvent(action: ImageEventAction, ref: string, attributes: Record<string, string>): void;
}

export const NO_IMAGE_EVENTS: ImageEventSink = { imageEvent: () => undefined };
