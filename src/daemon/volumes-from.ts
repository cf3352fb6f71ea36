// HostConfig.VolumesFrom at create: dockerd's registerMountPoints looks each source container up and
// refuses the create (400) when one is missing. The mounts themselves (and the mode checks) are
// the volumes participant's (volume-mounts.ts), which runs after the record exists.
import { InvalidParameterError, NotFoundError } from '../errdefs/index.js';

export function checkVolumesFrom(specs: string[] | null | undefined, lookup: (ref: string) => unknown): void {
  for (const spec of specs ?? []) {
    if (spec === '') throw new InvalidParameterError('volumes-from specification cannot be an empty string');
    const ref = spec.split(':')[0] ?? '';
    try {
      lookup(ref);
    } catch (err) {
      // dockerd wraps GetContainer's not-found as an invalid parameter, message unchanged
      if (err instanceof NotFoundError) throw new InvalidParameterError(err.message, { cause: err });
      throw err;
    }
  }
}
