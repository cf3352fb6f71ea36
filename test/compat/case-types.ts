// The vocabulary of the case table: a case is one request (or one CLI command) sent the same way to
// both engines, with the steps that put both into the same state before it and clean up after it.

/**
 * '' is the unversioned path: each engine's newest version (berthd 1.55, dockerd 20.10 1.41), so its
 * shapes are not comparable and only cases that do not depend on the version use it.
 * 1.41 is the newest version both engines serve.
 */
export type Version = '1.12' | '1.18' | '1.24' | '1.41' | '';
export const ALL_VERSIONS: Version[] = ['1.12', '1.18', '1.24', '1.41'];
export const MODERN: Version[] = ['1.41'];

/**
 * Placeholders in paths, bodies and CLI args, resolved per engine at the time of the case:
 * `{id:NAME}` a container's full ID, `{id12:NAME}` its short ID, `{img:REF}` an image's ID
 * (`sha256:…`), `{var:NAME}` an ID saved by an earlier step of the same case.
 */
export type Step =
  | { cli: string[]; input?: string }
  | { api: { method: string; path: string; body?: unknown }; save?: string };

export interface ApiCase {
  kind: 'api';
  /** the berthd route it exercises, in berthd's route-table syntax: `GET /containers/:id/json` */
  route: string;
  /** what this variant tries (shown in the report) */
  name: string;
  method: string;
  /** without the version prefix; may hold placeholders */
  path: string;
  versions: Version[];
  /** JSON body (serialised), or raw bytes/text sent as they are */
  json?: unknown;
  raw?: string | Buffer;
  headers?: Record<string, string>;
  setup?: Step[];
  teardown?: Step[];
  /** a stream that does not end by itself: read it for `timeoutMs`, compare status and headers */
  stream?: boolean;
  timeoutMs?: number;
  /** JSON paths whose values must agree (errors' `message` always) */
  values?: string[];
  /** compare a non-JSON body as text (logs, attach output) */
  text?: 'equal' | 'presence';
  /** where the request comes from when it is not ours: "docs v1.24 line 261" */
  source?: string;
}

export interface CliCase {
  kind: 'cli';
  route: string;
  name: string;
  args: string[];
  input?: string;
  setup?: Step[];
  teardown?: Step[];
  /** also replace every number (PIDs and such in `docker top`) */
  numbers?: boolean;
  timeoutMs?: number;
}

export type Case = ApiCase | CliCase;
