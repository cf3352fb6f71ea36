// Checks a JSON value against a Swagger 2.0 schema from the Engine API reference
// (shared/reference/api/v1.x.yaml): $refs resolved, allOf merged, required keys, types, and keys the
// version's schema does not define. Used by the per-version API tests; pure apart from loading files.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

export interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  allOf?: Schema[];
  'x-nullable'?: boolean;
}

export interface ApiSpec {
  definitions: Record<string, Schema>;
  paths: Record<string, Record<string, { responses?: Record<string, { schema?: Schema }> }>>;
}

export interface Problem { path: string; message: string }

/**
 * Keys the schema lacks that a checked value may still have (or scalars that may be null), each with the reason, as
 * `'<location>.<key>'` where location is the schema path without array indexes (`Images[].VirtualSize`).
 */
export type Allowlist = Readonly<Record<string, string>>;

/** Where the reference docs are: $BERTH_API_REFERENCE, else shared/reference/api beside or above the repo. */
export function findReferenceDir(start = process.cwd()): string | undefined {
  if (process.env.BERTH_API_REFERENCE) return process.env.BERTH_API_REFERENCE;
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    for (const candidate of [path.join(dir, 'shared/reference/api'), path.join(dir, '../shared/reference/api')]) {
      if (fs.existsSync(path.join(candidate, 'v1.55.yaml'))) return path.resolve(candidate);
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

export function loadSpec(dir: string, version: string): ApiSpec {
  return parse(fs.readFileSync(path.join(dir, `v${version}.yaml`), 'utf8'), { maxAliasCount: -1 }) as ApiSpec;
}

/** The 200 response schema of `method path` (path as the spec writes it, e.g. `/containers/{id}/json`). */
export function responseSchema(spec: ApiSpec, method: string, apiPath: string): Schema {
  const schema = spec.paths[apiPath]?.[method.toLowerCase()]?.responses?.['200']?.schema;
  if (!schema) throw new Error(`no 200 schema for ${method} ${apiPath}`);
  return schema;
}

/** Follows $ref and merges allOf into one schema (properties and required lists combined). */
export function resolve(spec: ApiSpec, schema: Schema): Schema {
  let s = schema;
  for (let hops = 0; s.$ref; hops++) {
    if (hops > 32) throw new Error(`$ref loop at ${schema.$ref}`);
    const name = s.$ref.replace(/^#\/definitions\//, '');
    const target = spec.definitions[name];
    if (!target) throw new Error(`unresolved $ref ${s.$ref}`);
    s = { ...target, ...(s['x-nullable'] ? { 'x-nullable': true } : {}) };
  }
  if (!s.allOf) return s;
  const merged: Schema = { ...s, properties: { ...s.properties }, required: [...(s.required ?? [])] };
  delete merged.allOf;
  for (const part of s.allOf.map((p) => resolve(spec, p))) {
    merged.type ??= part.type;
    Object.assign(merged.properties!, part.properties);
    merged.required!.push(...(part.required ?? []));
    if (part.additionalProperties !== undefined) merged.additionalProperties ??= part.additionalProperties;
    if (part['x-nullable']) merged['x-nullable'] = true;
  }
  return merged;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(expected: string, actual: string): boolean {
  return expected === actual || (expected === 'number' && actual === 'integer');
}

/**
 * Problems of `value` against `schema`, empty when it conforms. null is accepted for arrays and
 * objects (Go encodes nil slices and maps as null, and dockerd does so all over the API) and for
 * x-nullable schemas, nowhere else.
 */
export function check(spec: ApiSpec, schema: Schema, value: unknown, allow: Allowlist = {}, at = ''): Problem[] {
  const s = resolve(spec, schema);
  const actual = typeOf(value);
  const problems: Problem[] = [];
  const type = s.type ?? (s.properties ? 'object' : s.items ? 'array' : undefined);
  if (actual === 'null') {
    if (type && type !== 'array' && type !== 'object' && !s['x-nullable'] && !(allowKey(at) in allow)) problems.push({ path: at, message: `null, expected ${type}` });
    return problems;
  }
  if (type && !typeMatches(type, actual)) return [{ path: at, message: `${actual}, expected ${type}` }];
  if (actual === 'array' && s.items) {
    (value as unknown[]).forEach((item, i) => problems.push(...check(spec, s.items!, item, allow, `${at}[${i}]`)));
  }
  if (actual === 'object') {
    const obj = value as Record<string, unknown>;
    for (const key of s.required ?? []) if (!(key in obj)) problems.push({ path: join(at, key), message: 'required key missing' });
    for (const [key, v] of Object.entries(obj)) {
      const where = join(at, key);
      const prop = s.properties?.[key];
      if (prop) problems.push(...check(spec, prop, v, allow, where));
      else if (typeof s.additionalProperties === 'object') problems.push(...check(spec, s.additionalProperties, v, allow, where));
      else if (s.additionalProperties === true || (!s.properties && s.additionalProperties === undefined)) continue;
      else if (!(allowKey(where) in allow)) problems.push({ path: where, message: 'key not defined by this version\'s schema' });
    }
  }
  return problems;
}

function join(at: string, key: string): string {
  return at ? `${at}.${key}` : key;
}

/** `Images[3].VirtualSize` → `Images[].VirtualSize`: allowlist entries name locations, not indexes. */
export function allowKey(where: string): string {
  return where.replace(/\[\d+\]/g, '[]');
}
