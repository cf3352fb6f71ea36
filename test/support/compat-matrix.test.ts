import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { matrixMarkdown, readmePath, withMatrix } from './compat-matrix.js';

test('compat matrix: README carries the matrix generated from the route tables (npm run matrix)', () => {
  const readme = fs.readFileSync(readmePath(), 'utf8');
  assert.equal(withMatrix(readme), readme, 'README.md is out of date: run `npm run matrix`');
});

test('compat matrix: version gates show as ranges', () => {
  const md = matrixMarkdown();
  assert.match(md, /\| `GET \/containers\/json` \| 1\.12–1\.55 \|/);
  assert.match(md, /\| `GET \/swarm` \| 1\.24–1\.55 \|/);
});
