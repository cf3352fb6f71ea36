// The two engines under comparison, started with the bench's code (temporary roots, own sockets,
// dockerd with `--bridge=none --iptables=false`: it never touches the host's network), each with
// its own docker CLI config dir. `stopAll` is safe to call twice and after a partial start.
import fs from 'node:fs';
import path from 'node:path';
import { dockerdAvailable, startBerth, startDockerd, type Engine } from '../../bench/engines.js';
import { dockerCli, type CliAnswer } from './cli.js';

export interface CompatEngine {
  name: 'berthd' | 'dockerd';
  host: string;
  socket: string;
  cli(args: string[], opts?: { input?: string; timeoutMs?: number }): Promise<CliAnswer>;
}

export interface EnginePair { berthd: CompatEngine; dockerd: CompatEngine; stopAll(): Promise<void> }

function wrap(e: Engine, name: 'berthd' | 'dockerd', configDir: string): CompatEngine {
  fs.mkdirSync(configDir, { recursive: true });
  return { name, host: e.host, socket: e.api.socketPath, cli: (args, opts) => dockerCli(e.host, configDir, args, opts) };
}

export { dockerdAvailable };

export async function startPair(root: string): Promise<EnginePair> {
  const started: Engine[] = [];
  let stopped = false;
  const stopAll = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    for (const e of started) await e.stop().catch((err: unknown) => console.error(`stopping ${e.name}: ${String(err)}`));
  };
  try {
    // one after the other: both start a containerd, and 2 shared CPUs make parallel starts flaky
    const b = await startBerth(path.join(root, 'berth'));
    started.push(b);
    const d = await startDockerd(path.join(root, 'docker'));
    started.push(d);
    return { berthd: wrap(b, 'berthd', path.join(root, 'cli-berthd')), dockerd: wrap(d, 'dockerd', path.join(root, 'cli-dockerd')), stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
