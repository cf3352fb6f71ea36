// One berthd per data root. The lock is an abstract unix socket named after the data root: the
// kernel drops it when its holder dies (even by kill -9), so there is no stale lock to clean up,
// and two berthds starting at once cannot both get it. The holder's pid is kept beside it for the error.
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export interface DataRootLock {
  release(): Promise<void>;
}

function lockName(dataRoot: string): string {
  const real = fs.realpathSync(dataRoot);
  return `\0berthd-data-root-${crypto.createHash('sha256').update(real).digest('hex').slice(0, 32)}`;
}

export async function lockDataRoot(dataRoot: string): Promise<DataRootLock> {
  const pidFile = path.join(dataRoot, 'berthd.lock');
  const server = net.createServer((c) => c.destroy());
  server.unref();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(lockName(dataRoot), () => resolve());
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    let holder = '';
    try { holder = fs.readFileSync(pidFile, 'utf8').trim(); } catch { /* written a moment later */ }
    throw new Error(`data-root ${dataRoot} is in use by another berthd${holder ? ` (pid ${holder})` : ''}: two daemons cannot share a data root`);
  }
  fs.writeFileSync(pidFile, `${process.pid}\n`);
  return {
    release: () => new Promise<void>((resolve) => {
      fs.rmSync(pidFile, { force: true });
      server.close(() => resolve());
    }),
  };
}
