// The copier of an output relay: a `cat` of the FIFO whose stdout is the spool (opened O_APPEND by
// berthd and handed over as fd 1), in its own session so it outlives berthd. Busybox's static `cat`
// when the host has it: one exec, no dynamic linking (a spawn costs about 60 % of `sh -c 'exec cat'`)
// and about 50 KiB of private memory per copier against 110 KiB for coreutils' `cat` (its code is
// shared by all copiers). A copier is known by its binary and by its stdout being the spool: a pooled
// copier's command line names the pool FIFO it was started on, and its FIFO and spool are renamed later.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';

const BUSYBOX = '/bin/busybox';
const CAT = '/bin/cat';

function resolveCopier(): { file: string; args: string[] } {
  try {
    fs.accessSync(BUSYBOX, fs.constants.X_OK);
    return { file: BUSYBOX, args: ['cat'] };
  } catch {
    return { file: CAT, args: [] };
  }
}

const copier = resolveCopier();

/** The binaries a copier may run as (/proc/PID/exe, symlinks resolved), for recognising one. */
const copierExes = new Set<string>([CAT, BUSYBOX, '/usr/bin/cat', '/usr/bin/busybox'].flatMap((p) => {
  try { return [p, fs.realpathSync(p)]; } catch { return [p]; }
}));

/**
 * Starts a copier of `fifo` (it blocks opening it until the shim opens the write end) appending to
 * `spool` (created if missing). Detached and unref'd: it outlives berthd.
 */
export function spawnCopier(fifo: string, spool: string): ChildProcess {
  const fd = fs.openSync(spool, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT, 0o600);
  try {
    const child = spawn(copier.file, [...copier.args, fifo], { detached: true, stdio: ['ignore', fd, 'ignore'] });
    child.unref();
    return child;
  } finally {
    fs.closeSync(fd);
  }
}

/** The FIFO path a copier was started on (its command line; a pooled one's is the pool's path). */
export function copierFifoArg(pid: number): string | undefined {
  try {
    const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    if (!copierExes.has(fs.readlinkSync(`/proc/${pid}/exe`))) return undefined;
    return cmd[cmd.length - 2] === '' ? undefined : cmd[cmd.length - 2]; // cmdline ends with a NUL
  } catch { return undefined; }
}

/** Is `pid` a live (not zombie) copier whose stdout is `spool`? */
export function copierAlive(pid: number, spool: string): boolean {
  try {
    if (!copierExes.has(fs.readlinkSync(`/proc/${pid}/exe`))) return false;
    const out = fs.readlinkSync(`/proc/${pid}/fd/1`);
    if (out !== spool && out !== fs.realpathSync(spool)) return false;
    return !/\) [ZX] /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch { return false; }
}

/**
 * Is copier `pid` blocked in open(2) of its FIFO, waiting for a writer? Only then may the FIFO be
 * renamed under it: before that its open would look for the old name and fail.
 */
export function copierWaitingToOpen(pid: number): boolean {
  try {
    const wchan = fs.readFileSync(`/proc/${pid}/wchan`, 'utf8').trim();
    if (wchan !== '' && wchan !== '0') return wchan === 'wait_for_partner';
    // no wchan on this kernel: asleep in openat(2) (x86_64: 257, arm64: 56), the only open that blocks
    const call = Number(fs.readFileSync(`/proc/${pid}/syscall`, 'utf8').split(' ')[0]);
    const asleep = /\) S /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
    return asleep && (process.arch === 'arm64' ? call === 56 : call === 257);
  } catch { return false; }
}
