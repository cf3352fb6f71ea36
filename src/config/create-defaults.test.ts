import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFlags } from '../cmd/flags.js';
import { applyCreateDefaults, checkLogDefaults } from './create-defaults.js';
import { mergeFile, settingsOf } from './merge.js';
import type { DaemonFileConfig } from './daemon-json.js';

const settings = (file: DaemonFileConfig) => settingsOf(mergeFile(parseFlags([]), file), file);

test('log-driver and log-opts fill an unset LogConfig, and the default driver\'s missing options (dockerd\'s merge)', () => {
  const s = settings({ 'log-driver': 'local', 'log-opts': { 'max-size': '5m', 'max-file': '2' } });
  assert.deepEqual(applyCreateDefaults({ Image: 'x' }, s).HostConfig?.LogConfig, { Type: 'local', Config: { 'max-size': '5m', 'max-file': '2' } });
  assert.deepEqual(applyCreateDefaults({ Image: 'x', HostConfig: { LogConfig: { Type: '', Config: { 'max-file': '9' } } } }, s).HostConfig?.LogConfig,
    { Type: 'local', Config: { 'max-file': '9', 'max-size': '5m' } });
  // another driver gets none of the default driver's options
  assert.deepEqual(applyCreateDefaults({ Image: 'x', HostConfig: { LogConfig: { Type: 'json-file' } } }, s).HostConfig?.LogConfig, { Type: 'json-file', Config: {} });
  // no daemon.json: the body is left as it came
  const body = { Image: 'x', HostConfig: { Memory: 5 } };
  assert.deepEqual(applyCreateDefaults(body, settings({})), body);
  // log-opts alone apply to json-file, the default driver
  assert.deepEqual(applyCreateDefaults({ Image: 'x' }, settings({ 'log-opts': { 'max-size': '1m' } })).HostConfig?.LogConfig, { Type: 'json-file', Config: { 'max-size': '1m' } });
});

test('default-ulimits add what a container does not set; dns, dns-opts, dns-search stand in for none', () => {
  const s = settings({ 'default-ulimits': { nofile: { Name: 'nofile', Soft: 1024, Hard: 2048 }, nproc: { Name: 'nproc', Soft: 100, Hard: 200 } },
    dns: ['10.0.0.2'], 'dns-opts': ['ndots:2'], 'dns-search': ['example.test'] });
  const hc = applyCreateDefaults({ Image: 'x', HostConfig: { Ulimits: [{ Name: 'nofile', Soft: 10, Hard: 20 }], Dns: ['10.9.9.9'] } }, s).HostConfig!;
  assert.deepEqual(hc.Ulimits, [{ Name: 'nofile', Soft: 10, Hard: 20 }, { Name: 'nproc', Soft: 100, Hard: 200 }]);
  assert.deepEqual(hc.Dns, ['10.9.9.9']);
  assert.deepEqual(hc.DnsOptions, ['ndots:2']);
  assert.deepEqual(hc.DnsSearch, ['example.test']);
});

test('a log driver or option berthd cannot take is refused at start-up with dockerd\'s prefix', () => {
  assert.throws(() => checkLogDefaults(settings({ 'log-opts': { 'no-such': 'x' } })), /^Error: failed to set log opts: unknown log opt 'no-such' for json-file log driver$/);
  assert.throws(() => checkLogDefaults(settings({ 'log-driver': 'nope' })), /failed to set log opts: logger: no log driver named 'nope' is registered/);
  assert.throws(() => checkLogDefaults(settings({ 'log-opts': { 'max-size': 'lots' } })), /invalid size: 'lots'/);
  checkLogDefaults(settings({ 'log-driver': 'local', 'log-opts': { 'max-size': '5m' } }));
});
