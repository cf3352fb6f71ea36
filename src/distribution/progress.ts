// The JSON progress messages dockerd writes while pulling and pushing (its streamformatter): a status
// per layer id, with `progressDetail` for the CLI to draw bars and the old `progress` text for
// clients that print it as it is (docker-py's users).
export interface ProgressMessage {
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
  progress?: string;
  aux?: Record<string, unknown>;
}

export type ProgressSink = (message: ProgressMessage) => void;

/** Go's units.HumanSize: decimal units, 4 significant digits ("1.024kB", "2.3MB"). */
export function humanSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) { v /= 1000; i++; }
  return `${Number(v.toPrecision(4))}${units[i]}`;
}

/** jsonmessage.JSONProgress.String() at the width the daemon formats with (no terminal: 200). */
export function progressText(current: number, total: number): string {
  if (current <= 0 && total <= 0) return '';
  if (total <= 0) return humanSize(current).padStart(8);
  let pct = Math.trunc((current / total) * 100 / 2);
  if (pct > 50) pct = 50;
  const bar = `[${'='.repeat(pct)}>${' '.repeat(Math.max(50 - pct, 0))}] `;
  return `${bar}${humanSize(current).padStart(8)}/${humanSize(total)}`;
}

export const statusOf = (id: string, status: string): ProgressMessage => ({ status, progressDetail: {}, id });

export function progressOf(id: string, status: string, current: number, total: number): ProgressMessage {
  return { status, progressDetail: { current, total }, progress: progressText(current, total), id };
}

/** At most one message per layer every 100 ms while bytes flow (dockerd's progress reader), plus the last. */
export function throttled(sink: ProgressSink, id: string, status: string, total: number): (current: number, final?: boolean) => void {
  let last = 0;
  return (current, final = false) => {
    const now = Date.now();
    if (!final && now - last < 100) return;
    last = now;
    sink(progressOf(id, status, current, total));
  };
}
