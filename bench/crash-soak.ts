// `npm run soak` (after the load phases) / `npm run soak:crash`: the crash proof at the scale.
// Runs test/integration/crash.test.ts's kill -9 tests with COUNTERS=50 loggers (SOAK_COUNTERS): kill -9
// of berthd during create/start/rm churn, then kill -9 of its managed containerd during churn; each
// test asserts every container in its state, every log line there exactly once and no ID or name
// reused, and reports its figures, which are printed here as a table.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const TEST = path.resolve(here, '../test/integration/crash.test.js');
const COUNTERS = process.env.SOAK_COUNTERS ?? '50';

interface Figures { kill: string; running: number; churned: number; caughtMidChurn: number; restartMs?: number; recoveredMs?: number;
  fastLines: number; counterLines: number; linesLost: number; linesDuplicated: number; idsSeen: number; idsReused: number }

async function main(): Promise<void> {
  const started = Date.now();
  const child = spawn(process.execPath, ['--test', '--test-concurrency=1', '--test-name-pattern=crash', '--test-reporter=tap', TEST], {
    env: { ...process.env, COUNTERS },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => { out += c.toString(); process.stderr.write(c); });
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  const figures = [...out.matchAll(/# crash figures: (\{.*\})/g)].map((m) => JSON.parse(m[1]!) as Figures);
  const failed = [...out.matchAll(/^\s*not ok \d+ - (.*)$/gm)].map((m) => m[1]!);
  const rows = figures.map((f) => `| kill -9 ${f.kill} | ${f.running} | ${f.churned} | ${f.caughtMidChurn} | ${((f.restartMs ?? f.recoveredMs ?? 0) / 1000).toFixed(1)} s `
    + `| ${f.fastLines.toLocaleString('en')} + ${f.counterLines.toLocaleString('en')} | ${f.linesLost} | ${f.linesDuplicated} | ${f.idsSeen} | ${f.idsReused} |`);
  process.stdout.write([
    `## crash (${new Date().toISOString()}, ${COUNTERS} containers logging, ${((Date.now() - started) / 60000).toFixed(1)} min)`,
    '',
    '| what | running | churn cycles | caught mid-churn | back in | lines checked (fast writer + counters) | lost | duplicated | IDs seen | reused |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    failed.length ? `FAILED: ${failed.join('; ')}` : (code === 0 && figures.length === 2 ? 'all passed' : `test exit ${code}, ${figures.length} of 2 figures`),
  ].join('\n') + '\n');
  if (code !== 0 || figures.length !== 2) process.exitCode = 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`crash-soak: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
