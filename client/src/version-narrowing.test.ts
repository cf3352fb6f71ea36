// Runs the TypeScript compiler on a program written against the built package: a field that
// exists only from API 1.44 compiles with a 1.44 client and fails with a 1.41 client.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const dist = path.dirname(fileURLToPath(import.meta.url));
const tsc = path.join(path.dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin/tsc');

function typecheck(version: string): { status: number | null; output: string } {
  const dir = fs.mkdtempSync(path.join(dist, '.typecheck-'));
  try {
    const file = path.join(dir, 'program.ts');
    fs.writeFileSync(file, `import { DockerClient } from '../index.js';
const client = new DockerClient({ socketPath: '/var/run/docker.sock', version: '${version}' });
await client.containerCreate({ body: { Image: 'busybox', Healthcheck: { StartInterval: 1000000 } } });
`);
    const r = spawnSync(process.execPath, [tsc, '--noEmit', '--strict', '--skipLibCheck', '--target', 'es2022', '--module', 'nodenext',
      '--moduleResolution', 'nodenext', '--types', 'node', file], { encoding: 'utf8' });
    return { status: r.status, output: r.stdout + r.stderr };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('tsc: HealthConfig.StartInterval compiles against a 1.44 client', () => {
  const r = typecheck('1.44');
  assert.equal(r.status, 0, r.output);
});

test('tsc: the same program fails to compile against a 1.41 client, naming the field', () => {
  const r = typecheck('1.41');
  assert.equal(r.status, 2, r.output);
  assert.match(r.output, /error TS2353: Object literal may only specify known properties, and 'StartInterval' does not exist/);
});
