import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidParameterError } from '../errdefs/index.js';
import { detailsPrefix, parseRamInBytes, resolveLogConfig } from './log-config.js';

const src = { labels: { app: 'web', tier: 'front' }, env: ['FOO=bar', 'PATH=/bin'] };

describe('resolveLogConfig', () => {
  it('defaults to json-file without rotation', () => {
    assert.deepEqual(resolveLogConfig(undefined, src), { driver: 'json-file', maxFile: 1, compress: false, attrs: {} });
    assert.equal(resolveLogConfig({ Type: '' }, src).driver, 'json-file');
  });

  it('parses json-file options like dockerd', () => {
    const s = resolveLogConfig({ Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '3', compress: 'true', labels: 'app,missing', env: 'FOO' } }, src);
    assert.deepEqual(s, { driver: 'json-file', maxSize: 10 * 1024 * 1024, maxFile: 3, compress: true, attrs: { app: 'web', FOO: 'bar' } });
    assert.deepEqual(resolveLogConfig({ Type: 'json-file', Config: { 'labels-regex': '^t' } }, src).attrs, { tier: 'front' });
  });

  it('gives local its defaults and none no file', () => {
    assert.deepEqual(resolveLogConfig({ Type: 'local' }, src), { driver: 'local', maxSize: 20 * 1024 * 1024, maxFile: 5, compress: true, attrs: {} });
    assert.equal(resolveLogConfig({ Type: 'none' }, src).driver, 'none');
  });

  it('rejects bad drivers and options with dockerd texts', () => {
    const bad = (cfg: { Type?: string; Config?: Record<string, string> }, re: RegExp): void => assert.throws(() => resolveLogConfig(cfg, src), re);
    assert.throws(() => resolveLogConfig({ Type: 'nosuch' }, src), InvalidParameterError);
    bad({ Type: 'nosuch' }, /^LogConfigError: logger: no log driver named 'nosuch' is registered$/);
    bad({ Type: 'syslog' }, /logging driver "syslog" is not supported by berthd/);
    bad({ Type: 'json-file', Config: { 'max-sise': '1m' } }, /unknown log opt 'max-sise' for json-file log driver/);
    bad({ Type: 'json-file', Config: { 'max-size': 'lots' } }, /invalid size: 'lots'/);
    bad({ Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '0' } }, /max-file cannot be less than 1/);
    bad({ Type: 'json-file', Config: { compress: 'true' } }, /compress cannot be true when max-file is less than 2 or max-size is not set/);
    bad({ Type: 'local', Config: { labels: 'x' } }, /unknown log opt 'labels' for local log driver/);
  });
});

describe('parseRamInBytes', () => {
  it('uses binary units like go-units', () => {
    assert.equal(parseRamInBytes('100'), 100);
    assert.equal(parseRamInBytes('1k'), 1024);
    assert.equal(parseRamInBytes('10m'), 10 * 1024 * 1024);
    assert.equal(parseRamInBytes('1.5GiB'), 1.5 * 1024 ** 3);
    assert.equal(parseRamInBytes('10x'), undefined);
  });
});

describe('detailsPrefix', () => {
  it('sorts and query-escapes, and is a lone space without attrs', () => {
    assert.equal(detailsPrefix({ b: 'x y', a: '1&2' }), 'a=1%262,b=x+y ');
    assert.equal(detailsPrefix(undefined), ' ');
  });
});
