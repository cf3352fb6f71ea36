// `docker top`: runs the host's `ps` with the client's arguments and keeps the rows of the
// container's processes (pids from the runtime), as dockerd does.
import { execFile } from 'node:child_process';
import type { ContainerTopResult } from '../api/routers/containers/lifecycle-backend.js';
import { InvalidParameterError, SystemError } from '../errdefs/index.js';

export type TopResult = ContainerTopResult;

/** dockerd refuses `-o x=PID…` style renames of the PID column: the rows could not be matched any more. */
export function validatePsArgs(psArgs: string): void {
  for (const m of psArgs.matchAll(/\s+(\S*)=\s*(PID\S*)/g)) {
    if (m[1] !== 'pid') throw new InvalidParameterError(`specifying "${m[1]}=${m[2]}" is not allowed`);
  }
}

/** Keeps the rows whose PID is one of `pids`; thread rows ("-" as PID) follow their process. */
export function parsePsOutput(output: string, pids: readonly number[]): TopResult {
  const lines = output.split('\n');
  const titles = (lines[0] ?? '').trim().split(/\s+/).filter(Boolean);
  const pidIndex = titles.indexOf('PID');
  if (pidIndex < 0) throw new SystemError("Couldn't find PID field in ps output");
  const wanted = new Set(pids);
  const processes: string[][] = [];
  let previousKept = false;
  for (const line of lines.slice(1)) {
    if (!line) continue;
    const fields = line.trim().split(/\s+/);
    const pidField = fields[pidIndex] ?? '';
    let keep: boolean;
    if (pidField === '-') {
      keep = previousKept;
    } else {
      const pid = Number(pidField);
      if (!Number.isInteger(pid)) throw new SystemError(`Unexpected pid '${pidField}'`);
      keep = wanted.has(pid);
      previousKept = keep;
    }
    // The last column (the command) may contain spaces.
    if (keep) processes.push([...fields.slice(0, titles.length - 1), fields.slice(titles.length - 1).join(' ')]);
  }
  return { Titles: titles, Processes: processes };
}

function runPs(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('ps', args, { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      // ps only fails here on the client's ps_args (dockerd answers 500; the input is at fault: 400).
      if (err) reject(new InvalidParameterError(`ps: ${stderr.split('\n')[0] || err.message}`));
      else resolve(stdout);
    });
  });
}

export async function containerTop(psArgs: string, pids: readonly number[]): Promise<TopResult> {
  const args = (psArgs || '-ef').split(' ');
  validatePsArgs(psArgs || '-ef');
  let output: string;
  try {
    // -q limits ps to our pids (cheap on a busy host); some options (e.g. f) refuse it, then retry without.
    output = await runPs([...args, `-q${pids.join(',')}`]);
  } catch {
    output = await runPs(args);
  }
  return parsePsOutput(output, pids);
}
