import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DockerIgnore } from './dockerignore.js';

test('.dockerignore: *, ?, ** and directories exclude; ! re-includes; the last match wins', () => {
  const ig = new DockerIgnore(`
# comment
node_modules
*.log
/build/
**/*.tmp
docs/?.md
secret*
!secret-but-public.txt
`);
  assert.equal(ig.ignores('node_modules'), true);
  assert.equal(ig.ignores('node_modules/pkg/index.js'), true);
  assert.equal(ig.ignores('app.log'), true);
  assert.equal(ig.ignores('sub/app.log'), false, '* does not cross a directory');
  assert.equal(ig.ignores('build/out.bin'), true);
  assert.equal(ig.ignores('a/b/c.tmp'), true);
  assert.equal(ig.ignores('x.tmp'), true);
  assert.equal(ig.ignores('docs/a.md'), true);
  assert.equal(ig.ignores('docs/ab.md'), false);
  assert.equal(ig.ignores('secret.key'), true);
  assert.equal(ig.ignores('secret-but-public.txt'), false);
  assert.equal(ig.ignores('src/main.ts'), false);
  assert.equal(ig.canSkipDirectory('node_modules'), false, 'a ! pattern could re-include something below');
  assert.equal(new DockerIgnore('node_modules').canSkipDirectory('node_modules'), true);
});
