import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseFlags } from '../cmd/flags.js';
import { LiveConfig } from './live-config.js';
import { loadDaemonConfig } from './load.js';

test('SIGHUP reload: labels, debug, registries change; other keys wait for a restart; errors change nothing', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-live-'));
  try {
    const file = path.join(dir, 'daemon.json');
    fs.writeFileSync(file, JSON.stringify({ labels: ['a=b'], bip: '10.9.0.1/24' }));
    const cmdline = parseFlags(['--config-file', file, '--log-level', 'warn']);
    const loaded = loadDaemonConfig(cmdline);
    const events: Array<Record<string, string>> = [];
    const logs: string[] = [];
    const live = new LiveConfig(loaded.settings, cmdline, (_l, m) => logs.push(m));
    live.setEventSink({ daemonReload: (a) => events.push(a) });
    const seen: string[][] = [];
    live.onReload((next, prev) => seen.push([...prev.labels, '->', ...next.labels]));

    fs.writeFileSync(file, JSON.stringify({ labels: ['c=d', 'e=f'], debug: true, 'registry-mirrors': ['https://m'], bip: '10.8.0.1/24' }));
    assert.equal(live.reload(), undefined);
    assert.deepEqual(live.settings.labels, ['c=d', 'e=f']);
    assert.equal(live.settings.debug, true);
    assert.equal(live.settings.logLevel, 'debug');
    assert.deepEqual(live.settings.registries.mirrors, ['https://m']);
    assert.equal(live.settings.network.bip, '10.9.0.1/24', 'bip is not reloadable');
    assert.deepEqual(seen, [['a=b', '->', 'c=d', 'e=f']]);
    assert.equal(events.length, 1);
    assert.equal(events[0]!.labels, '["c=d","e=f"]');
    assert.equal(events[0]!.debug, 'true');

    fs.writeFileSync(file, JSON.stringify({ 'log-level': 'debug' }));
    assert.match(String(live.reload()), /specified both as a flag and in the configuration file: log-level/);
    fs.writeFileSync(file, '{"nope":1}');
    assert.match(String(live.reload()), /don't match any configuration option: nope/);
    assert.deepEqual(live.settings.labels, ['c=d', 'e=f'], 'a failed reload changes nothing');
    assert.equal(events.length, 1);
    assert.ok(logs.some((l) => l.startsWith('Error reconfiguring the daemon:')));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
