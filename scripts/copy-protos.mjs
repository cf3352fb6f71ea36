// Copies the .proto files next to the compiled containerd client (tsc does not copy them).
import { cpSync, mkdirSync } from 'node:fs';
const from = new URL('../src/runtime/containerd/protos/', import.meta.url);
const to = new URL('../dist/src/runtime/containerd/protos/', import.meta.url);
mkdirSync(to, { recursive: true });
cpSync(from, to, { recursive: true });
