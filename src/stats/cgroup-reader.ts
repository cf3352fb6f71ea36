// One reading of a container's cgroup files (v1 or v2), in dockerd's stats fields. Files are read
// directly (≈0.2 ms, against ≈5 ms for containerd's Tasks.Metrics). Missing files leave their
// fields out, as dockerd does for controllers a host lacks.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CgroupDirs } from './cgroup-paths.js';
import type { BlkioStatEntry, BlkioStats, CpuStats, MemoryStats, PidsStats } from './types.js';
import { emptyBlkio } from './types.js';

export interface CgroupReading {
  cpu: CpuStats;
  memory: MemoryStats;
  blkio: BlkioStats;
  pids: PidsStats;
}

const USER_HZ = 100;
const NS_PER_TICK = 1e9 / USER_HZ;

function read(dir: string | undefined, file: string): string | undefined {
  if (!dir) return undefined;
  try { return fs.readFileSync(path.join(dir, file), 'utf8'); } catch { return undefined; }
}

const num = (s: string | undefined): number | undefined => {
  if (s === undefined) return undefined;
  const n = Number(s.trim());
  return Number.isFinite(n) ? n : undefined;
};

/** "key value" lines (memory.stat, cpu.stat, cpuacct.stat) */
export function parseFlatKeyed(text: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of (text ?? '').split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined && /^-?\d+$/.test(v)) out[k] = Number(v);
  }
  return out;
}

/** v1 blkio files: "8:0 Read 4096" lines (the "Total" line left out, as runc's parser does). */
export function parseBlkioV1(text: string | undefined): BlkioStatEntry[] {
  const out: BlkioStatEntry[] = [];
  for (const line of (text ?? '').split('\n')) {
    const m = /^(\d+):(\d+) (\S+) (\d+)$/.exec(line.trim());
    if (m) out.push({ major: Number(m[1]), minor: Number(m[2]), op: m[3]!, value: Number(m[4]) });
  }
  return out;
}

/** v2 io.stat: "8:0 rbytes=.. wbytes=.. rios=.. wios=.." → bytes and operations as Read/Write entries. */
export function parseIoStatV2(text: string | undefined): { bytes: BlkioStatEntry[]; ios: BlkioStatEntry[] } {
  const bytes: BlkioStatEntry[] = [];
  const ios: BlkioStatEntry[] = [];
  for (const line of (text ?? '').split('\n')) {
    const [dev, ...kvs] = line.trim().split(/\s+/);
    const m = /^(\d+):(\d+)$/.exec(dev ?? '');
    if (!m) continue;
    const f: Record<string, number> = {};
    for (const kv of kvs) { const [k, v] = kv.split('='); if (k && v) f[k] = Number(v); }
    const major = Number(m[1]); const minor = Number(m[2]);
    bytes.push({ major, minor, op: 'read', value: f.rbytes ?? 0 }, { major, minor, op: 'write', value: f.wbytes ?? 0 });
    ios.push({ major, minor, op: 'read', value: f.rios ?? 0 }, { major, minor, op: 'write', value: f.wios ?? 0 });
  }
  return { bytes, ios };
}

/** The memory.stat keys dockerd reports on cgroup v1 (containerd's v1 MemoryStat fields), in and under `total_`. */
const V1_MEMORY_KEYS = ['cache', 'rss', 'rss_huge', 'mapped_file', 'dirty', 'writeback', 'pgpgin', 'pgpgout', 'pgfault', 'pgmajfault',
  'inactive_anon', 'active_anon', 'inactive_file', 'active_file', 'unevictable'];

function v1MemoryStats(all: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of [...V1_MEMORY_KEYS, 'hierarchical_memory_limit', 'hierarchical_memsw_limit', ...V1_MEMORY_KEYS.map((x) => `total_${x}`)]) {
    if (k in all) out[k] = all[k]!;
  }
  return out;
}

function pidsOf(dir: string | undefined): PidsStats {
  const current = num(read(dir, 'pids.current'));
  const max = read(dir, 'pids.max')?.trim();
  const out: PidsStats = {};
  if (current !== undefined) out.current = current;
  if (max && max !== 'max') out.limit = Number(max);
  return out;
}

/** Memory limits above the machine's memory mean "none": dockerd reports the machine's total. */
const capLimit = (limit: number | undefined): number | undefined =>
  limit === undefined ? undefined : Math.min(limit, os.totalmem());

export function readCgroupV1(dirs: CgroupDirs): CgroupReading {
  const acct = dirs.v1.get('cpuacct');
  const cpuDir = dirs.v1.get('cpu');
  const mem = dirs.v1.get('memory');
  const blk = dirs.v1.get('blkio');
  const ticks = parseFlatKeyed(read(acct, 'cpuacct.stat'));
  const throttle = parseFlatKeyed(read(cpuDir, 'cpu.stat'));
  const percpu = read(acct, 'cpuacct.usage_percpu')?.trim().split(/\s+/).filter(Boolean).map(Number);
  const cpu: CpuStats = {
    cpu_usage: {
      total_usage: num(read(acct, 'cpuacct.usage')) ?? 0,
      ...(percpu && percpu.length ? { percpu_usage: percpu } : {}),
      usage_in_kernelmode: (ticks.system ?? 0) * NS_PER_TICK,
      usage_in_usermode: (ticks.user ?? 0) * NS_PER_TICK,
    },
    throttling_data: { periods: throttle.nr_periods ?? 0, throttled_periods: throttle.nr_throttled ?? 0, throttled_time: throttle.throttled_time ?? 0 },
  };
  const memory: MemoryStats = {};
  const usage = num(read(mem, 'memory.usage_in_bytes'));
  if (usage !== undefined) {
    memory.usage = usage;
    memory.max_usage = num(read(mem, 'memory.max_usage_in_bytes')) ?? 0;
    memory.stats = v1MemoryStats(parseFlatKeyed(read(mem, 'memory.stat')));
    const failcnt = num(read(mem, 'memory.failcnt'));
    if (failcnt) memory.failcnt = failcnt;
    const limit = capLimit(num(read(mem, 'memory.limit_in_bytes')));
    if (limit !== undefined) memory.limit = limit;
  }
  const blkio = emptyBlkio();
  if (blk) {
    // CFQ/BFQ files when the scheduler fills them, else the throttle layer's (runc's order)
    const pick = (name: string): BlkioStatEntry[] => {
      for (const prefix of ['blkio.', 'blkio.bfq.', 'blkio.throttle.']) {
        const e = parseBlkioV1(read(blk, `${prefix}${name}`));
        if (e.length) return e;
      }
      return [];
    };
    blkio.io_service_bytes_recursive = pick('io_service_bytes_recursive');
    blkio.io_serviced_recursive = pick('io_serviced_recursive');
    for (const [field, file] of [['io_queue_recursive', 'io_queued_recursive'], ['io_service_time_recursive', 'io_service_time_recursive'],
      ['io_wait_time_recursive', 'io_wait_time_recursive'], ['io_merged_recursive', 'io_merged_recursive'],
      ['io_time_recursive', 'time_recursive'], ['sectors_recursive', 'sectors_recursive']] as const) {
      blkio[field] = parseBlkioV1(read(blk, `blkio.${file}`));
    }
  }
  return { cpu, memory, blkio, pids: pidsOf(dirs.v1.get('pids')) };
}

export function readCgroupV2(dir: string): CgroupReading {
  const st = parseFlatKeyed(read(dir, 'cpu.stat'));
  const cpu: CpuStats = {
    cpu_usage: { total_usage: (st.usage_usec ?? 0) * 1000, usage_in_kernelmode: (st.system_usec ?? 0) * 1000, usage_in_usermode: (st.user_usec ?? 0) * 1000 },
    throttling_data: { periods: st.nr_periods ?? 0, throttled_periods: st.nr_throttled ?? 0, throttled_time: (st.throttled_usec ?? 0) * 1000 },
  };
  const memory: MemoryStats = {};
  const usage = num(read(dir, 'memory.current'));
  if (usage !== undefined) {
    memory.usage = usage;
    memory.stats = parseFlatKeyed(read(dir, 'memory.stat'));
    const max = read(dir, 'memory.max')?.trim();
    memory.limit = capLimit(max && max !== 'max' ? Number(max) : Number.MAX_SAFE_INTEGER);
  }
  const blkio = emptyBlkio();
  const io = read(dir, 'io.stat');
  if (io !== undefined) {
    // dockerd's statsV2 reports bytes only
    blkio.io_service_bytes_recursive = parseIoStatV2(io).bytes;
  }
  return { cpu, memory, blkio, pids: pidsOf(dir) };
}

export function readCgroup(dirs: CgroupDirs): CgroupReading {
  return dirs.version === 1 || !dirs.v2 ? readCgroupV1(dirs) : readCgroupV2(dirs.v2);
}

/** /proc/stat's cpu line in nanoseconds (dockerd's getSystemCPUUsage: the first seven fields). */
export function systemCpuUsage(): number {
  let text = '';
  try { text = fs.readFileSync('/proc/stat', 'utf8'); } catch { return 0; }
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return 0;
  const fields = line.trim().split(/\s+/).slice(1, 8).map(Number);
  return fields.reduce((a, b) => a + b, 0) * NS_PER_TICK;
}

export function onlineCpus(): number {
  try {
    const text = fs.readFileSync('/sys/devices/system/cpu/online', 'utf8').trim();
    let n = 0;
    for (const part of text.split(',')) {
      const [a, b] = part.split('-').map(Number);
      n += b === undefined ? 1 : b - a! + 1;
    }
    if (n > 0) return n;
  } catch { /* fall through */ }
  return os.cpus().length;
}
