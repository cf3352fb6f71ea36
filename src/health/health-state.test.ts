import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goDurationString, mergeHealthcheck, probeCommand, probeTimings } from './health-config.js';
import { applyProbeResult, ProbeOutput, type HealthState } from './health-state.js';

const at = (ms: number): string => new Date(Date.parse('2024-01-01T00:00:00Z') + ms).toISOString();
const result = (ms: number, code: number) => ({ Start: at(ms), End: at(ms + 10), ExitCode: code, Output: '' });

test('failures count after the start period; retries make it unhealthy; one success heals; 5 log entries', () => {
  const t = probeTimings({ Interval: 1e9, Retries: 2, StartPeriod: 3e9 });
  const h: HealthState = { status: 'starting', failingStreak: 0, log: [] };
  assert.equal(applyProbeResult(h, result(1000, 1), t, at(0)), undefined, 'within the start period');
  assert.equal(h.failingStreak, 0);
  assert.equal(applyProbeResult(h, result(3500, 1), t, at(0)), undefined);
  assert.equal(h.failingStreak, 1);
  assert.equal(applyProbeResult(h, result(4500, 2), t, at(0)), 'unhealthy', 'any non-zero code fails');
  assert.equal(applyProbeResult(h, result(5500, 0), t, at(0)), 'healthy');
  assert.equal(h.failingStreak, 0);
  for (let i = 0; i < 4; i++) applyProbeResult(h, result(6000 + i, 0), t, at(0));
  assert.equal(h.log.length, 5);
  assert.equal(h.log.at(-1)!.Start, at(6003));
});

test('config: merge with the image, CMD/CMD-SHELL/NONE, defaults, Go durations, output limit', () => {
  assert.deepEqual(mergeHealthcheck({ Interval: 1e9 }, { Test: ['CMD', 'true'], Interval: 5e9, Retries: 4 }), { Interval: 1e9, Test: ['CMD', 'true'], Retries: 4 });
  assert.deepEqual(mergeHealthcheck(undefined, { Test: ['NONE'] }), { Test: ['NONE'] });
  assert.deepEqual(probeCommand({ Test: ['CMD', 'curl', '-f', 'x'] }, undefined), ['curl', '-f', 'x']);
  assert.deepEqual(probeCommand({ Test: ['CMD-SHELL', 'test -f /ok'] }, undefined), ['/bin/sh', '-c', 'test -f /ok']);
  assert.deepEqual(probeCommand({ Test: ['CMD-SHELL', 'x'] }, ['/bin/bash', '-c']), ['/bin/bash', '-c', 'x']);
  assert.equal(probeCommand({ Test: ['NONE'] }, undefined), undefined);
  assert.deepEqual(probeTimings({}), { intervalMs: 30000, timeoutMs: 30000, startPeriodMs: 0, startIntervalMs: 5000, retries: 3 });
  assert.equal(goDurationString(30000), '30s');
  assert.equal(goDurationString(500), '500ms');
  assert.equal(goDurationString(1500), '1.5s');
  assert.equal(goDurationString(90000), '1m30s');
  const out = new ProbeOutput();
  out.write(Buffer.alloc(4000, 'a'));
  out.write(Buffer.alloc(200, 'b'));
  assert.equal(out.toString(), 'a'.repeat(4000) + 'b'.repeat(96) + '...');
});

test('create refuses dockerd\'s invalid health settings', async () => {
  const { validateHealthConfig } = await import('./health-config.js');
  assert.throws(() => validateHealthConfig({ Interval: 1000 }), /Interval in Healthcheck cannot be less than 1ms/);
  assert.throws(() => validateHealthConfig({ Retries: -1 }), /Retries in Healthcheck cannot be negative/);
  assert.throws(() => validateHealthConfig({ StartInterval: 5 }), /StartInterval in Healthcheck cannot be less than 1ms/);
  validateHealthConfig({ Interval: 0, Timeout: 1e6, Retries: 0 });
  validateHealthConfig({ Interval: null, StartPeriod: null, Retries: null } as never); // docker-py sends nulls
});
