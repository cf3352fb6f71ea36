// The environment of a container's processes (init and exec): image/container env plus PATH,
// HOSTNAME and TERM, as dockerd sets them, and HOME, as runc sets it after them.
import { mergeEnv } from './image-config.js';

const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function processEnv(env: string[], hostname: string, tty: boolean, home: string): string[] {
  const base = [DEFAULT_PATH, `HOSTNAME=${hostname}`];
  if (tty) base.push('TERM=xterm');
  const out = mergeEnv(base, env);
  // runc replaces an empty HOME too (it tests os.Getenv("HOME") == "")
  const i = out.findIndex((e) => e.startsWith('HOME='));
  if (i < 0) out.push(`HOME=${home}`);
  else if (out[i] === 'HOME=') out[i] = `HOME=${home}`;
  return out;
}
