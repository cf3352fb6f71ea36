// Per-version event bodies. Backends hold the newest form (Type/Action/Actor/scope/time/timeNano);
// before 1.22 clients knew only container and image events as {status, id, from, time} (timeNano
// from 1.21); 1.22–1.51 carry both forms (dockerd filled the old fields for containers and images);
// `scope` is 1.30's; 1.52 drops status/id/from. timeNano is written as an exact integer.
import { versionLt } from '../../../internal/version.js';
import type { EventMessage } from '../../../events/types.js';

/** The event's JSON text for `version`, or undefined when that version has no such event. */
export function shapeEvent(ev: EventMessage, version: string): string | undefined {
  const legacy: Record<string, unknown> = {};
  if (ev.Type === 'container' || ev.Type === 'image') {
    legacy.status = ev.Action;
    legacy.id = ev.Actor.ID;
    if (ev.Type === 'container' && ev.Actor.Attributes.image) legacy.from = ev.Actor.Attributes.image;
  }
  let body: Record<string, unknown>;
  if (versionLt(version, '1.22')) {
    if (ev.Type !== 'container' && ev.Type !== 'image') return undefined;
    body = { ...legacy, time: ev.time };
    if (!versionLt(version, '1.21')) body.timeNano = 0;
  } else {
    body = versionLt(version, '1.52') ? { ...legacy } : {};
    body.Type = ev.Type;
    body.Action = ev.Action;
    body.Actor = { ID: ev.Actor.ID, Attributes: ev.Actor.Attributes };
    if (!versionLt(version, '1.30')) body.scope = ev.scope;
    body.time = ev.time;
    body.timeNano = 0;
  }
  const text = JSON.stringify(body);
  return 'timeNano' in body ? text.replace(/"timeNano":0}$/, `"timeNano":${ev.timeNano.toString()}}`) : text;
}
