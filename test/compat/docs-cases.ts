// Turns the reference docs' example requests into cases: each example is sent at its doc's version,
// as printed, with only its resource names pointed at our fixtures (the docs' `4fa6e0f0c678` becomes
// cx-run, `ubuntu` becomes busybox). Examples for routes berthd does not serve, or that would reach
// a registry on the internet (pull, push, search), are skipped and counted.
import type { ApiCase, Version } from './case-types.js';
import type { CaseInputs } from './cases.js';
import type { DocExample } from './doc-examples.js';
import { execSetup, HIJACK, IMAGE, TMP, TMP_IMAGES_TEARDOWN, WS_HEADERS } from './fixtures.js';

type Rule = (ex: DocExample, inputs: CaseInputs) => Omit<ApiCase, 'kind' | 'name' | 'method' | 'versions' | 'source'> | undefined;


/** `/containers/{x}/{action}` with `{x}` replaced */
function containerPath(ex: DocExample, target: string): string {
  return ex.path.replace(/^\/containers\/[^/?]+/, `/containers/${target}`);
}

function withImage(body: unknown): unknown {
  if (body && typeof body === 'object' && !Array.isArray(body) && 'Image' in body) return { ...body, Image: IMAGE };
  return body;
}

const RULES: Array<[RegExp, string, Rule]> = [
  [/^GET \/containers\/json/, 'GET /containers/json', (ex) => ({ route: '', path: ex.path })],
  [/^POST \/containers\/create/, 'POST /containers/create', (ex) => ({ route: '', path: `${ex.path}?name=cx-new`, json: withImage(ex.body), teardown: TMP.teardown })],
  [/^GET \/containers\/[^/]+\/(json|top|changes)/, 'GET /containers/:id/$1', (ex) => ({ route: '', path: containerPath(ex, 'cx-run') })],
  [/^GET \/containers\/[^/]+\/export/, 'GET /containers/:id/export', (ex) => ({ route: '', path: containerPath(ex, 'cx-exited'), text: 'presence' })],
  [/^GET \/containers\/[^/]+\/logs/, 'GET /containers/:id/logs', (ex) => ({ route: '', path: containerPath(ex, 'cx-exited'), text: 'equal' })],
  [/^POST \/containers\/[^/]+\/start/, 'POST /containers/:id/start', (ex) => ({ route: '', path: containerPath(ex, 'cx-tmp'), json: ex.body, setup: TMP.created, teardown: TMP.teardown })],
  [/^POST \/containers\/[^/]+\/(stop|restart|kill|pause|rename|update)/, 'POST /containers/:id/$1', (ex) => ({ route: '', path: containerPath(ex, 'cx-tmp'), json: ex.body, setup: TMP.running, teardown: TMP.teardown })],
  [/^POST \/containers\/[^/]+\/unpause/, 'POST /containers/:id/unpause', (ex) => ({ route: '', path: containerPath(ex, 'cx-tmp'), setup: TMP.paused, teardown: TMP.teardown })],
  [/^POST \/containers\/[^/]+\/resize/, 'POST /containers/:id/resize', (ex) => ({ route: '', path: containerPath(ex, 'cx-tty') })],
  [/^POST \/containers\/[^/]+\/attach/, 'POST /containers/:id/attach', (ex) => ({ route: '', path: containerPath(ex, 'cx-exited'), text: 'equal' })],
  [/^GET \/containers\/[^/]+\/attach\/ws/, 'GET /containers/:id/attach/ws', (ex) => ({ route: '', path: containerPath(ex, 'cx-tmp'), headers: WS_HEADERS, stream: true, setup: TMP.running, teardown: TMP.teardown })],
  [/^POST \/containers\/[^/]+\/wait/, 'POST /containers/:id/wait', (ex) => ({ route: '', path: containerPath(ex, 'cx-tmp'), values: ['StatusCode'], setup: TMP.exited, teardown: TMP.teardown })],
  [/^DELETE \/containers\/[^/?]+/, 'DELETE /containers/:id', (ex) => ({ route: '', path: containerPath(ex, 'cx-tmp'), setup: TMP.exited, teardown: TMP.teardown })],
  [/^POST \/containers\/[^/]+\/exec/, 'POST /containers/:id/exec', (ex) => ({ route: '', path: containerPath(ex, 'cx-run'), json: ex.body })],
  [/^POST \/exec\/[^/]+\/start/, 'POST /exec/:id/start', (ex) => ({
    route: '', path: '/exec/{var:exec}/start', json: ex.body, setup: execSetup(['date']), text: 'equal', timeoutMs: 5000,
    ...((ex.body as { Detach?: boolean } | undefined)?.Detach ? {} : { headers: HIJACK }),
  })],
  [/^POST \/exec\/[^/]+\/resize/, 'POST /exec/:id/resize', (ex) => ({ route: '', path: ex.path.replace(/^\/exec\/[^/?]+/, '/exec/{var:exec}'), setup: execSetup(['date'], { Tty: true }) })],
  [/^GET \/exec\/[^/]+\/json/, 'GET /exec/:id/json', () => ({ route: '', path: '/exec/{var:exec}/json', setup: execSetup(['date']) })],
  [/^GET \/images\/json/, 'GET /images/json', (ex) => ({ route: '', path: ex.path })],
  [/^GET \/images\/get/, 'GET /images/get', (ex) => ({ route: '', path: ex.path, text: 'presence' })],
  [/^GET \/images\/[^?]+\/(json|history|get)/, 'GET /images/*', (ex) => ({ route: '', path: ex.path.replace(/^\/images\/[^?]+\/(json|history|get)/, `/images/${IMAGE}/$1`), text: 'presence' })],
  [/^POST \/images\/[^?]+\/tag/, 'POST /images/*', (ex) => ({ route: '', path: ex.path.replace(/^\/images\/[^?]+\/tag/, `/images/${IMAGE}/tag`), teardown: TMP_IMAGES_TEARDOWN })],
  [/^DELETE \/images\/[^?]+/, 'DELETE /images/*', (ex) => ({ route: '', path: ex.path, setup: [{ cli: ['tag', IMAGE, 'test:latest'] }], teardown: TMP_IMAGES_TEARDOWN })],
  [/^POST \/images\/load/, 'POST /images/load', (_ex, inputs) => ({ route: '', path: '/images/load', raw: inputs.imageTar, headers: { 'Content-Type': 'application/x-tar' } })],
  [/^POST \/commit/, 'POST /commit', (ex) => ({ route: '', path: ex.path.replace(/container=[^&]+/, 'container=cx-exited'), json: ex.body, teardown: TMP_IMAGES_TEARDOWN })],
  [/^(GET|HEAD) \/(info|version|_ping)$/, '$1 /$2', (ex) => ({ route: '', path: ex.path, ...(ex.path === '/_ping' ? { text: 'equal' as const } : {}) })],
];

export interface DocCases { cases: ApiCase[]; skipped: DocExample[] }

export function docCases(examples: DocExample[], inputs: CaseInputs): DocCases {
  const cases: ApiCase[] = [];
  const skipped: DocExample[] = [];
  for (const ex of examples) {
    const key = `${ex.method} ${ex.path}`;
    const rule = RULES.find(([re]) => re.test(key));
    const made = rule?.[2](ex, inputs);
    if (!rule || !made) { skipped.push(ex); continue; }
    const route = key.replace(rule[0], rule[1]).replace(/\?.*$/, '');
    const headers = { ...(made.headers ?? {}) };
    const contentType = ex.headers['Content-Type'];
    if (contentType && made.json !== undefined) headers['Content-Type'] = contentType;
    cases.push({
      ...made, kind: 'api', route: route.split(' ').slice(0, 2).join(' '), name: `docs example ${ex.method} ${ex.path}`,
      method: ex.method, versions: [ex.version as Version], headers, source: `docs v${ex.version}.md line ${ex.line}`,
    });
  }
  return { cases, skipped };
}
