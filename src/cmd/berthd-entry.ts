#!/usr/bin/env node
// berthd's entry point: sets V8's heap flags, then loads the daemon (berthd.js). The flags must be
// set before the daemon's modules are even compiled (ESM compiles a whole import graph before it
// runs any of it), hence this separate first step.
//
// The young generation is kept at its initial size (1 MiB semi-spaces): left alone, V8 grows it to
// 16 MiB semi-spaces while the modules load at startup (nearly everything survives then) and never
// gives those pages back, about 10 MiB of berthd's idle RSS. Log and attach throughput measured the
// same either way (stream objects die young; a scavenge costs the survivors, not the space).
//
// A full GC once the daemon goes idle (idle-gc.ts) returns what the last busy moment left behind.
// `gc` comes from a fresh context made after --expose-gc is set; the daemon's own global has none.
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startIdleGc } from './idle-gc.js';

v8.setFlagsFromString('--semi-space-growth-factor=1');
v8.setFlagsFromString('--expose-gc');
startIdleGc(runInNewContext('gc') as () => void);
await import('./berthd.js');
