// The environment of a container's processes (init and exec): image/container env plus PATH,
// HOSTNAME, TERM and HOME, as dockerd sets them.
import { mergeEnv } from './image-config.js';

const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function processEnv(env: string[], hostname: string, tty: boolean, home: string): string[] {
  const base = [DEFAULT_PATH, `HOSTNAME=${hostname}`];
  if (tty) base.push('TERM=xterm');
  const out = mergeEnv(base, env);
  if (!out.some((e) => e.startsWith('HOME='))) out.push(`HOME=${home || '/'}`);
  return out;
}
