// Health checks end to end with the docker CLI: starting → unhealthy → healthy as a file comes and
// goes, with the health_status events and the `health` ps filter agreeing; the image's HEALTHCHECK;
// probes stopping with the container and resuming after a berthd kill -9.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Berthd, busyboxTar, cliAsserts, skipReason, startBerthd, waitFor } from './harness.js';

describe('health checks', { skip: skipReason, timeout: 300_000 }, () => {
  let d: Berthd;
  const { ok } = cliAsserts(() => d);

  before(async () => {
    d = await startBerthd();
    await ok(['load', '-i', await busyboxTar()]);
  });

  after(async () => {
    if (!d) return;
    await ok(['rm', '-f', 'hc', 'img-hc']).catch(() => undefined);
    await d.stop('SIGTERM');
    d.cleanup();
  });

  const health = async (name: string): Promise<Record<string, any>> =>
    JSON.parse(await ok(['inspect', '-f', '{{json .State.Health}}', name])) as Record<string, any>;
  const status = async (name: string): Promise<string> => (await health(name)).Status as string;

  test('--health-cmd test -f /tmp/ok --health-interval 1s: starting → unhealthy → healthy, events and ps agree', async () => {
    await ok(['run', '-d', '--name', 'hc', '--health-cmd', 'test -f /tmp/ok', '--health-interval', '1s', '--health-retries', '2', 'busybox', 'sleep', '300']);
    assert.equal(await status('hc'), 'starting');
    assert.match(await ok(['ps', '--filter', 'name=hc', '--format', '{{.Status}}']), /\(health: starting\)$/);
    await waitFor('unhealthy', async () => (await status('hc')) === 'unhealthy');
    const sick = await health('hc');
    assert.ok(sick.FailingStreak >= 2);
    assert.equal(sick.Log.at(-1).ExitCode, 1);
    assert.match(await ok(['ps', '--filter', 'name=hc', '--format', '{{.Status}}']), /\(unhealthy\)$/);
    assert.equal(await ok(['ps', '-q', '--filter', 'health=unhealthy']), (await ok(['inspect', '-f', '{{.Id}}', 'hc'])).slice(0, 12));
    await ok(['exec', 'hc', 'touch', '/tmp/ok']);
    await waitFor('healthy', async () => (await status('hc')) === 'healthy');
    assert.equal((await health('hc')).FailingStreak, 0);
    assert.match(await ok(['ps', '--filter', 'name=hc', '--format', '{{.Status}}']), /\(healthy\)$/);
    assert.equal(await ok(['ps', '-q', '--filter', 'health=unhealthy']), '');
    assert.notEqual(await ok(['ps', '-q', '--filter', 'health=healthy']), '');
    await new Promise((r) => setTimeout(r, 1100));
    const events = await ok(['events', '--since', '1m', '--until', '0s', '--filter', 'container=hc', '--filter', 'event=health_status', '--format', '{{.Action}}']);
    assert.deepEqual(events.split('\n'), ['health_status: unhealthy', 'health_status: healthy']);
    // the probes are execs, with their events
    const execs = await ok(['events', '--since', '1m', '--until', '0s', '--filter', 'container=hc', '--filter', 'event=exec_start', '--format', '{{.Action}}']);
    assert.match(execs.split('\n')[0]!, /^exec_start: \/bin\/sh -c test -f \/tmp\/ok$/);
    assert.ok((await health('hc')).Log.length <= 5);
  });

  test('probes stop with the container and resume after berthd is killed and restarted', async () => {
    await ok(['stop', '-t', '0', 'hc']);
    const stopped = (await health('hc')).Log.length as number;
    const lastEnd = (await health('hc')).Log.at(-1).End as string;
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal((await health('hc')).Log.at(-1).End, lastEnd, 'no probe ran while stopped');
    assert.ok(stopped <= 5);
    await ok(['start', 'hc']);
    assert.equal(await status('hc'), 'starting');
    await waitFor('healthy after start', async () => (await status('hc')) === 'healthy');
    await d.stop('SIGKILL');
    await d.start();
    const before = (await health('hc')).Log.at(-1).End as string;
    await waitFor('a probe after the restart', async () => (await health('hc')).Log.at(-1).End !== before);
    await ok(['exec', 'hc', 'rm', '/tmp/ok']);
    await waitFor('unhealthy after restart', async () => (await status('hc')) === 'unhealthy');
  });

  test('the image HEALTHCHECK applies; a probe past its timeout fails with dockerd\'s text; NONE disables', async () => {
    await ok(['commit', '--change', 'HEALTHCHECK --interval=1s --timeout=500ms --retries=1 CMD sleep 5', 'hc', 'slowcheck:1']);
    await ok(['run', '-d', '--name', 'img-hc', 'slowcheck:1', 'sleep', '300']);
    const cfg = JSON.parse(await ok(['inspect', '-f', '{{json .Config.Healthcheck}}', 'img-hc'])) as Record<string, unknown>;
    assert.deepEqual(cfg.Test, ['CMD-SHELL', 'sleep 5']);
    await waitFor('unhealthy by timeout', async () => (await status('img-hc')) === 'unhealthy');
    assert.equal((await health('img-hc')).Log.at(-1).Output, 'Health check exceeded timeout (500ms)');
    assert.equal((await health('img-hc')).Log.at(-1).ExitCode, -1);
    await ok(['rm', '-f', 'img-hc']);
    await ok(['run', '-d', '--name', 'img-hc', '--no-healthcheck', 'slowcheck:1', 'sleep', '300']);
    assert.equal(await ok(['inspect', '-f', '{{json .State.Health}}', 'img-hc']), 'null');
    assert.doesNotMatch(await ok(['ps', '--filter', 'name=img-hc', '--format', '{{.Status}}']), /health/);
  });
});
