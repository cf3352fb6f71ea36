// The case table: every route berthd serves, at every version we compare, with its ordinary
// requests and its bad inputs, then the CLI commands a user types. Add a route by adding rows;
// the runner checks that each of berthd's routes has at least one case.
import { ALL_VERSIONS, MODERN, type ApiCase, type Case, type CliCase, type Step, type Version } from './case-types.js';
import { execSetup, HIJACK, IMAGE, TMP, TMP_IMAGES_TEARDOWN, WS_HEADERS } from './fixtures.js';

export interface CaseInputs {
  /** the busybox image as a `docker save` archive */
  imageTar: Buffer;
  /** a one-file tar for `docker import` */
  rootfsTar: Buffer;
}

type Opts = Partial<Omit<ApiCase, 'kind' | 'route' | 'name' | 'method' | 'path'>>;

function api(route: string, name: string, path: string, opts: Opts = {}): ApiCase {
  return { kind: 'api', route, name, method: route.split(' ')[0]!, path, versions: ALL_VERSIONS, ...opts };
}

function cli(name: string, args: string[], opts: Partial<Omit<CliCase, 'kind' | 'name' | 'args'>> = {}): CliCase {
  return { kind: 'cli', route: 'CLI', name, args, ...opts };
}

const tmp = (kind: 'running' | 'created' | 'exited' | 'paused'): Opts => ({ setup: TMP[kind], teardown: TMP.teardown });
const imgTeardown: Opts = { teardown: TMP_IMAGES_TEARDOWN };
const BAD_JSON = '{"Image": "busybox", ';

function systemCases(): ApiCase[] {
  return [
    api('GET /_ping', 'ping', '/_ping', { text: 'equal' }),
    api('HEAD /_ping', 'ping head', '/_ping'),
    api('GET /version', 'version', '/version', { values: ['ApiVersion', 'MinAPIVersion', 'Os', 'Arch'] }),
    api('GET /info', 'info', '/info', { values: ['Containers', 'ContainersRunning', 'ContainersPaused', 'ContainersStopped', 'Images'] }),
    api('GET /system/df', 'disk usage', '/system/df'),
    api('GET /version', 'unknown route /nope (version middleware)', '/nope'),
    api('GET /version', 'version too old', '/v1.11/version', { versions: [''] }),
    api('GET /version', 'version too new', '/v1.56/version', { versions: [''] }),
    api('GET /version', 'version malformed', '/v1.x/version', { versions: [''] }),
  ];
}

function containerCases(): ApiCase[] {
  const create = 'POST /containers/create';
  const minimal = { Image: IMAGE, Cmd: ['true'] };
  const afterCreate: Opts = { teardown: TMP.teardown };
  return [
    api('GET /containers/json', 'running', '/containers/json', { values: ['[].Names', '[].Image', '[].Command', '[].State', '[].Status'] }),
    api('GET /containers/json', 'all', '/containers/json?all=1', { values: ['[].Names', '[].State', '[].Status', '[].Labels'] }),
    api('GET /containers/json', 'all with size', '/containers/json?all=1&size=1'),
    api('GET /containers/json', 'limit', '/containers/json?limit=1', { values: ['[].Names'] }),
    api('GET /containers/json', 'filter status', '/containers/json?all=1&filters=%7B%22status%22%3A%5B%22exited%22%5D%7D', { values: ['[].Names'] }),
    api('GET /containers/json', 'filter label', '/containers/json?all=1&filters=%7B%22label%22%3A%5B%22compat%3Drun%22%5D%7D', { values: ['[].Names'] }),
    api('GET /containers/json', 'filters bad JSON', '/containers/json?filters=%7Bbad'),
    api('GET /containers/json', 'filter unknown', '/containers/json?filters=%7B%22nope%22%3A%5B%22x%22%5D%7D'),
    api('GET /containers/json', 'before unknown', '/containers/json?all=1&before=nope'),

    api(create, 'minimal', '/containers/create?name=cx-new', { json: minimal, values: ['Warnings'], ...afterCreate }),
    api(create, 'no image', '/containers/create?name=cx-new', { json: { Cmd: ['true'] }, ...afterCreate }),
    api(create, 'empty body', '/containers/create?name=cx-new', { raw: '', headers: { 'Content-Type': 'application/json' }, ...afterCreate }),
    api(create, 'unknown image', '/containers/create?name=cx-new', { json: { Image: 'nope:latest' }, ...afterCreate }),
    api(create, 'bad JSON', '/containers/create?name=cx-new', { raw: BAD_JSON, headers: { 'Content-Type': 'application/json' }, ...afterCreate }),
    api(create, 'wrong type', '/containers/create?name=cx-new', { json: { Image: IMAGE, Cmd: 'true', Env: 'A=1' }, ...afterCreate }),
    api(create, 'bad name', '/containers/create?name=bad%20name', { json: minimal, ...afterCreate }),
    api(create, 'name taken', '/containers/create?name=cx-run', { json: minimal, ...afterCreate }),
    api(create, 'text/plain body', '/containers/create?name=cx-new', { raw: JSON.stringify(minimal), headers: { 'Content-Type': 'text/plain' }, ...afterCreate }),
    api(create, 'bad restart policy', '/containers/create?name=cx-new', { json: { ...minimal, HostConfig: { RestartPolicy: { Name: 'sometimes' } } }, ...afterCreate }),
    api(create, 'memory too small', '/containers/create?name=cx-new', { json: { ...minimal, HostConfig: { Memory: 1024 } }, ...afterCreate }),
    api(create, 'full config (v1.41 docs example, runnable parts)', '/containers/create?name=cx-new', { json: FULL_CREATE, values: ['Warnings'], ...afterCreate }),
    api(create, 'v1.41 docs example as printed', '/containers/create?name=cx-new', { json: DOCS_141_CREATE, versions: MODERN, source: 'docs v1.41.yaml ContainerCreate example', ...afterCreate }),

    api('GET /containers/:id/json', 'running', '/containers/cx-run/json', { values: ['Name', 'Path', 'Args', 'State.Status', 'State.Running', 'Config.Cmd', 'Config.Image', 'Config.Labels', 'HostConfig.NetworkMode', 'HostConfig.RestartPolicy'] }),
    api('GET /containers/:id/json', 'exited', '/containers/cx-exited/json', { values: ['State.Status', 'State.ExitCode', 'State.Error', 'State.OOMKilled'] }),
    api('GET /containers/:id/json', 'created', '/containers/cx-created/json', { values: ['State.Status', 'State.Pid', 'State.StartedAt', 'State.FinishedAt'] }),
    api('GET /containers/:id/json', 'tty', '/containers/cx-tty/json', { values: ['Config.Tty', 'Config.OpenStdin'] }),
    api('GET /containers/:id/json', 'size', '/containers/cx-exited/json?size=1'),
    api('GET /containers/:id/json', 'by short ID', '/containers/{id12:cx-run}/json', { values: ['Name'] }),
    api('GET /containers/:id/json', 'unknown', '/containers/nope/json'),

    api('GET /containers/:id/logs', 'stdout+stderr', '/containers/cx-exited/logs?stdout=1&stderr=1', { text: 'equal' }),
    api('GET /containers/:id/logs', 'tail 1', '/containers/cx-exited/logs?stdout=1&stderr=1&tail=1', { text: 'equal' }),
    api('GET /containers/:id/logs', 'timestamps', '/containers/cx-exited/logs?stdout=1&timestamps=1', { text: 'equal' }),
    api('GET /containers/:id/logs', 'tty', '/containers/cx-tty/logs?stdout=1', { text: 'equal' }),
    api('GET /containers/:id/logs', 'follow', '/containers/cx-run/logs?stdout=1&follow=1', { stream: true }),
    api('GET /containers/:id/logs', 'no stream chosen', '/containers/cx-exited/logs'),
    api('GET /containers/:id/logs', 'unknown', '/containers/nope/logs?stdout=1'),

    api('POST /containers/:id/start', 'created', '/containers/cx-tmp/start', tmp('created')),
    api('POST /containers/:id/start', 'already running', '/containers/cx-run/start'),
    api('POST /containers/:id/start', 'HostConfig body', '/containers/cx-tmp/start', { json: { Privileged: false, Dns: ['127.0.0.1'] }, ...tmp('created') }),
    api('POST /containers/:id/start', 'unknown', '/containers/nope/start'),
    api('POST /containers/:id/stop', 'running', '/containers/cx-tmp/stop?t=2', tmp('running')),
    api('POST /containers/:id/stop', 'not running', '/containers/cx-exited/stop'),
    api('POST /containers/:id/stop', 'unknown', '/containers/nope/stop'),
    api('POST /containers/:id/restart', 'running', '/containers/cx-tmp/restart?t=2', tmp('running')),
    api('POST /containers/:id/restart', 'unknown', '/containers/nope/restart'),
    api('POST /containers/:id/kill', 'running', '/containers/cx-tmp/kill', tmp('running')),
    api('POST /containers/:id/kill', 'signal name', '/containers/cx-tmp/kill?signal=SIGUSR1', tmp('running')),
    api('POST /containers/:id/kill', 'bad signal', '/containers/cx-tmp/kill?signal=BOGUS', tmp('running')),
    api('POST /containers/:id/kill', 'not running', '/containers/cx-exited/kill'),
    api('POST /containers/:id/kill', 'unknown', '/containers/nope/kill'),
    api('POST /containers/:id/wait', 'exited', '/containers/cx-tmp/wait', { values: ['StatusCode', 'Error'], ...tmp('exited') }),
    api('POST /containers/:id/wait', 'bad condition', '/containers/cx-tmp/wait?condition=bogus', tmp('exited')),
    api('POST /containers/:id/wait', 'unknown', '/containers/nope/wait'),
    api('DELETE /containers/:id', 'running', '/containers/cx-tmp', tmp('running')),
    api('DELETE /containers/:id', 'running, force', '/containers/cx-tmp?force=1', tmp('running')),
    api('DELETE /containers/:id', 'exited', '/containers/cx-tmp?v=1', tmp('exited')),
    api('DELETE /containers/:id', 'unknown', '/containers/nope'),
    api('POST /containers/:id/attach', 'logs only', '/containers/cx-exited/attach?logs=1&stream=0&stdout=1&stderr=1', { text: 'equal' }),
    api('POST /containers/:id/attach', 'hijack, stream', '/containers/cx-tmp/attach?stream=1&stdout=1&stderr=1', { headers: HIJACK, stream: true, ...tmp('running') }),
    api('POST /containers/:id/attach', 'no streams chosen', '/containers/cx-exited/attach?logs=1'),
    api('POST /containers/:id/attach', 'unknown', '/containers/nope/attach?stream=1&stdout=1'),
    api('GET /containers/:id/attach/ws', 'websocket', '/containers/cx-tmp/attach/ws?stream=1&stdout=1', { headers: WS_HEADERS, stream: true, ...tmp('running') }),
    api('GET /containers/:id/attach/ws', 'no upgrade', '/containers/cx-tmp/attach/ws?stream=1&stdout=1', tmp('running')),
    api('GET /containers/:id/attach/ws', 'unknown', '/containers/nope/attach/ws?stream=1', { headers: WS_HEADERS }),
    api('POST /containers/:id/resize', 'tty', '/containers/cx-tty/resize?h=40&w=80'),
    api('POST /containers/:id/resize', 'no tty', '/containers/cx-run/resize?h=40&w=80'),
    api('POST /containers/:id/resize', 'bad height', '/containers/cx-tty/resize?h=abc&w=80'),
    api('POST /containers/:id/resize', 'unknown', '/containers/nope/resize?h=40&w=80'),
    api('POST /containers/:id/update', 'cpu shares', '/containers/cx-tmp/update', { json: { CpuShares: 512 }, values: ['Warnings'], ...tmp('running') }),
    api('POST /containers/:id/update', 'restart policy', '/containers/cx-tmp/update', { json: { RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 2 } }, ...tmp('running') }),
    api('POST /containers/:id/update', 'memory too small', '/containers/cx-tmp/update', { json: { Memory: 1024 }, ...tmp('running') }),
    api('POST /containers/:id/update', 'bad JSON', '/containers/cx-tmp/update', { raw: '{', headers: { 'Content-Type': 'application/json' }, ...tmp('running') }),
    api('POST /containers/:id/update', 'unknown', '/containers/nope/update', { json: { CpuShares: 512 } }),
  ];
}

function lifecycleAndFsCases(): ApiCase[] {
  return [
    api('POST /containers/:id/pause', 'running', '/containers/cx-tmp/pause', tmp('running')),
    api('POST /containers/:id/pause', 'not running', '/containers/cx-exited/pause'),
    api('POST /containers/:id/pause', 'unknown', '/containers/nope/pause'),
    api('POST /containers/:id/unpause', 'paused', '/containers/cx-tmp/unpause', tmp('paused')),
    api('POST /containers/:id/unpause', 'not paused', '/containers/cx-run/unpause'),
    api('POST /containers/:id/rename', 'free name', '/containers/cx-tmp/rename?name=cx-new', tmp('running')),
    api('POST /containers/:id/rename', 'name taken', '/containers/cx-tmp/rename?name=cx-run', tmp('running')),
    api('POST /containers/:id/rename', 'no name', '/containers/cx-tmp/rename', tmp('running')),
    api('POST /containers/:id/rename', 'unknown', '/containers/nope/rename?name=cx-new'),
    api('GET /containers/:id/top', 'running', '/containers/cx-run/top', { values: ['Titles'] }),
    api('GET /containers/:id/top', 'ps_args', '/containers/cx-run/top?ps_args=aux', { values: ['Titles'] }),
    api('GET /containers/:id/top', 'not running', '/containers/cx-exited/top'),
    api('GET /containers/:id/top', 'unknown', '/containers/nope/top'),
    api('GET /containers/:id/stats', 'running, one-shot', '/containers/cx-run/stats?stream=false&one-shot=true', { versions: MODERN, values: ['name', 'pids_stats.current'] }),
    api('GET /containers/:id/stats', 'running, stream=false', '/containers/cx-run/stats?stream=false', { values: ['name'] }),
    api('GET /containers/:id/stats', 'not running', '/containers/cx-exited/stats?stream=false', { values: ['name', 'read', 'memory_stats'] }),
    api('GET /containers/:id/stats', 'stream', '/containers/cx-run/stats', { stream: true }),
    api('GET /containers/:id/stats', 'unknown', '/containers/nope/stats?stream=false'),
    api('GET /events', 'a window in the past', '/events?since=1&until=2', { text: 'equal' }),
    api('GET /events', 'bad since', '/events?since=yesterday'),
    api('GET /events', 'since after until', '/events?since=20&until=10'),
    api('GET /events', 'stream', '/events', { stream: true }),
    api('POST /containers/prune', 'label matching nothing', '/containers/prune?filters=%7B%22label%22%3A%5B%22cx-none%22%5D%7D', { values: ['ContainersDeleted', 'SpaceReclaimed'] }),
    api('POST /containers/prune', 'bad filter', '/containers/prune?filters=%7B%22nope%22%3A%5B%22x%22%5D%7D'),
    api('GET /containers/:id/changes', 'exited', '/containers/cx-exited/changes'),
    api('GET /containers/:id/changes', 'running', '/containers/cx-run/changes'),
    api('GET /containers/:id/changes', 'unknown', '/containers/nope/changes'),
    api('GET /containers/:id/export', 'exited', '/containers/cx-exited/export', { text: 'presence' }),
    api('GET /containers/:id/export', 'unknown', '/containers/nope/export'),
    api('POST /commit', 'exited', '/commit?container=cx-exited&repo=cx-commit&tag=v1&comment=hi', { ...imgTeardown }),
    api('POST /commit', 'with config', '/commit?container=cx-exited&repo=cx-commit&tag=v1', { json: { Cmd: ['echo', 'committed'], Env: ['A=1'] }, ...imgTeardown }),
    api('POST /commit', 'running (pauses)', '/commit?container=cx-run&repo=cx-commit&tag=v1', { ...imgTeardown }),
    api('POST /commit', 'bad change', '/commit?container=cx-exited&repo=cx-commit&tag=v1&changes=BOGUS%20x', { ...imgTeardown }),
    api('POST /commit', 'unknown container', '/commit?container=nope&repo=cx-commit'),
    // dockerd 20.10 commits before it validates the repo and leaves an untagged image: prune it
    api('POST /commit', 'bad repo', '/commit?container=cx-exited&repo=UPPER', { teardown: [{ cli: ['image', 'prune', '-f'] }] }),
  ];
}

function execCases(): ApiCase[] {
  const createRoute = 'POST /containers/:id/exec';
  return [
    api(createRoute, 'echo', '/containers/cx-run/exec', { json: { Cmd: ['echo', 'hi'], AttachStdout: true } }),
    api(createRoute, 'no Cmd', '/containers/cx-run/exec', { json: { AttachStdout: true } }),
    api(createRoute, 'bad JSON', '/containers/cx-run/exec', { raw: '{', headers: { 'Content-Type': 'application/json' } }),
    api(createRoute, 'not running', '/containers/cx-exited/exec', { json: { Cmd: ['true'] } }),
    api(createRoute, 'unknown', '/containers/nope/exec', { json: { Cmd: ['true'] } }),
    api('POST /exec/:id/start', 'detached', '/exec/{var:exec}/start', { json: { Detach: true }, setup: execSetup(['true']) }),
    api('POST /exec/:id/start', 'hijacked output', '/exec/{var:exec}/start', { json: { Detach: false }, headers: HIJACK, text: 'equal', timeoutMs: 5000, setup: execSetup(['sh', '-c', 'echo out; echo err >&2']) }),
    api('POST /exec/:id/start', 'tty output', '/exec/{var:exec}/start', { json: { Detach: false, Tty: true }, headers: HIJACK, text: 'equal', timeoutMs: 5000, setup: execSetup(['echo', 'tty'], { Tty: true }) }),
    api('POST /exec/:id/start', 'missing binary', '/exec/{var:exec}/start', { json: { Detach: false }, headers: HIJACK, text: 'equal', timeoutMs: 5000, setup: execSetup(['nope-binary']) }),
    api('POST /exec/:id/start', 'unknown', '/exec/nope/start', { json: { Detach: true } }),
    api('GET /exec/:id/json', 'created', '/exec/{var:exec}/json', { values: ['Running', 'ExitCode', 'OpenStdout', 'ProcessConfig'], setup: execSetup(['true']) }),
    api('GET /exec/:id/json', 'finished', '/exec/{var:exec}/json', {
      values: ['Running', 'ExitCode'],
      setup: [...execSetup(['sh', '-c', 'exit 4']), { api: { method: 'POST', path: '/exec/{var:exec}/start', body: { Detach: true } } }, { cli: ['exec', 'cx-run', 'sleep', '0.3'] }],
    }),
    api('GET /exec/:id/json', 'unknown', '/exec/nope/json'),
    api('POST /exec/:id/resize', 'not started', '/exec/{var:exec}/resize?h=40&w=80', { setup: execSetup(['true'], { Tty: true }) }),
    api('POST /exec/:id/resize', 'unknown', '/exec/nope/resize?h=40&w=80'),
  ];
}

function imageCases(inputs: CaseInputs): ApiCase[] {
  const load = 'POST /images/load';
  return [
    api('GET /images/json', 'list', '/images/json', { values: ['[].RepoTags'] }),
    api('GET /images/json', 'all', '/images/json?all=1'),
    api('GET /images/json', 'digests', '/images/json?digests=1', { values: ['[].RepoDigests'] }),
    api('GET /images/json', 'filter reference', '/images/json?filters=%7B%22reference%22%3A%5B%22busy*%22%5D%7D', { values: ['[].RepoTags'] }),
    api('GET /images/json', 'filter dangling', '/images/json?filters=%7B%22dangling%22%3A%5B%22true%22%5D%7D'),
    api('GET /images/json', 'filter param (old)', '/images/json?filter=busybox', { values: ['[].RepoTags'] }),
    api('GET /images/json', 'bad filter', '/images/json?filters=%7B%22nope%22%3A%5B%22x%22%5D%7D'),
    api('GET /images/*', 'inspect', '/images/busybox/json', { values: ['RepoTags', 'Os', 'Architecture', 'Config.Cmd', 'RootFS.Type'] }),
    api('GET /images/*', 'inspect by tag', '/images/busybox:latest/json', { values: ['RepoTags'] }),
    api('GET /images/*', 'inspect by ID', '/images/{img:busybox}/json', { values: ['RepoTags'] }),
    api('GET /images/*', 'inspect unknown', '/images/nope/json'),
    api('GET /images/*', 'history', '/images/busybox/history', { values: ['[].CreatedBy', '[].Tags'] }),
    api('GET /images/*', 'history unknown', '/images/nope/history'),
    api('GET /images/*', 'save one', '/images/busybox/get', { text: 'presence' }),
    api('GET /images/get', 'save names', '/images/get?names=busybox', { text: 'presence' }),
    api('GET /images/get', 'save unknown', '/images/get?names=nope'),
    api('POST /images/*', 'tag', '/images/busybox/tag?repo=cx-tag&tag=v1', imgTeardown),
    api('POST /images/*', 'tag bad repo', '/images/busybox/tag?repo=UPPER&tag=v1', imgTeardown),
    api('POST /images/*', 'tag unknown image', '/images/nope/tag?repo=cx-tag&tag=v1', imgTeardown),
    api('POST /images/*', 'tag no repo', '/images/busybox/tag', imgTeardown),
    api('POST /images/*', 'push (no registry here)', '/images/nope/push'),
    api('DELETE /images/*', 'untag', '/images/cx-del:1', { values: ['[].Untagged', '[].Deleted'], setup: [{ cli: ['tag', IMAGE, 'cx-del:1'] }], ...imgTeardown }),
    api('DELETE /images/*', 'unknown', '/images/nope'),
    api('DELETE /images/*', 'by ID with two tags and containers', '/images/{img:busybox}'),
    api('POST /images/create', 'import from body', '/images/create?fromSrc=-&repo=cx-import&tag=v1', { raw: inputs.rootfsTar, headers: { 'Content-Type': 'application/x-tar' }, ...imgTeardown }),
    api('POST /images/create', 'pull from a closed local port', '/images/create?fromImage=127.0.0.1%3A1%2Fnope&tag=latest'),
    api('POST /images/create', 'no source', '/images/create'),
    api(load, 'busybox archive', '/images/load', { raw: inputs.imageTar, headers: { 'Content-Type': 'application/x-tar' } }),
    api(load, 'quiet', '/images/load?quiet=1', { raw: inputs.imageTar, headers: { 'Content-Type': 'application/x-tar' } }),
    api(load, 'not a tar', '/images/load', { raw: 'not a tar', headers: { 'Content-Type': 'application/x-tar' } }),
    api('POST /images/prune', 'dangling', '/images/prune', { values: ['ImagesDeleted', 'SpaceReclaimed'] }),
    api('POST /images/prune', 'bad filter', '/images/prune?filters=%7B%22nope%22%3A%5B%22x%22%5D%7D'),
  ];
}

function cliCases(): CliCase[] {
  const tmpRun: Step[] = [{ cli: ['run', '-d', '--name', 'cx-tmp', IMAGE, 'sh', '-c', 'trap "exit 0" TERM; sleep 600 & wait'] }];
  const td = { teardown: TMP.teardown };
  return [
    cli('ps', ['ps']),
    cli('ps -a', ['ps', '-a']),
    cli('ps -q', ['ps', '-q']),
    cli('ps format', ['ps', '-a', '--format', '{{.Names}} {{.Image}} {{.Status}} {{.Labels}}']),
    cli('ps filter', ['ps', '-a', '--filter', 'status=exited', '--format', '{{.Names}}']),
    cli('inspect', ['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}} {{.Config.Cmd}}', 'cx-exited']),
    cli('inspect json', ['inspect', 'cx-created']),
    cli('inspect unknown', ['inspect', 'nope']),
    cli('run echo', ['run', '--rm', IMAGE, 'echo', 'hello']),
    cli('run exit code', ['run', '--rm', IMAGE, 'sh', '-c', 'echo to-err >&2; exit 3']),
    cli('run missing binary', ['run', '--rm', IMAGE, 'nope-binary']),
    cli('run env', ['run', '--rm', '-e', 'FOO=bar', IMAGE, 'env']),
    cli('run user', ['run', '--rm', '-u', '1000:1000', IMAGE, 'id']),
    cli('run workdir', ['run', '--rm', '-w', '/tmp/x', IMAGE, 'pwd']),
    cli('run stdin', ['run', '--rm', '-i', IMAGE, 'cat'], { input: 'piped\n' }),
    cli('run unknown image', ['run', '--pull', 'never', '--rm', 'nope:latest']),
    cli('run -d', ['run', '-d', '--name', 'cx-tmp', IMAGE, 'true'], td),
    cli('run name taken', ['run', '--name', 'cx-run', IMAGE, 'true']),
    cli('create', ['create', '--name', 'cx-tmp', IMAGE], td),
    cli('start -a', ['start', '-a', 'cx-tmp'], { setup: [{ cli: ['create', '--name', 'cx-tmp', IMAGE, 'echo', 'started'] }], ...td }),
    cli('logs', ['logs', 'cx-exited']),
    cli('logs tail', ['logs', '--tail', '1', 'cx-exited']),
    cli('logs unknown', ['logs', 'nope']),
    cli('exec', ['exec', 'cx-run', 'sh', '-c', 'echo out; echo err >&2; exit 5']),
    cli('exec not running', ['exec', 'cx-exited', 'true']),
    cli('exec env', ['exec', 'cx-run', 'env']),
    cli('top', ['top', 'cx-run'], { numbers: true }),
    cli('diff', ['diff', 'cx-exited']),
    cli('stop', ['stop', '-t', '2', 'cx-tmp'], { setup: tmpRun, ...td }),
    cli('kill', ['kill', 'cx-tmp'], { setup: tmpRun, ...td }),
    cli('kill not running', ['kill', 'cx-exited']),
    cli('restart', ['restart', '-t', '2', 'cx-tmp'], { setup: tmpRun, ...td }),
    cli('pause unpause', ['pause', 'cx-tmp'], { setup: tmpRun, ...td }),
    cli('wait', ['wait', 'cx-exited']),
    cli('rename', ['rename', 'cx-tmp', 'cx-new'], { setup: tmpRun, ...td }),
    cli('rm running', ['rm', 'cx-tmp'], { setup: tmpRun, ...td }),
    cli('rm -f', ['rm', '-f', 'cx-tmp'], { setup: tmpRun, ...td }),
    cli('rm unknown', ['rm', 'nope']),
    cli('commit', ['commit', '-m', 'msg', 'cx-exited', 'cx-commit:v1'], { teardown: TMP_IMAGES_TEARDOWN }),
    cli('container prune', ['container', 'prune', '-f', '--filter', 'label=cx-none']),
    cli('images', ['images']),
    cli('images -q', ['images', '-q']),
    cli('images format', ['images', '--format', '{{.Repository}}:{{.Tag}} {{.Size}}']),
    cli('image inspect', ['image', 'inspect', '--format', '{{.Os}}/{{.Architecture}} {{.RepoTags}}', IMAGE]),
    cli('history', ['history', IMAGE]),
    cli('tag', ['tag', IMAGE, 'cx-tag:v1'], { teardown: TMP_IMAGES_TEARDOWN }),
    cli('rmi tag', ['rmi', 'cx-del:1'], { setup: [{ cli: ['tag', IMAGE, 'cx-del:1'] }], teardown: TMP_IMAGES_TEARDOWN }),
    cli('rmi unknown', ['rmi', 'nope']),
    cli('rmi in use', ['rmi', 'busybox:compat', 'busybox:latest']),
    cli('image prune', ['image', 'prune', '-f']),
    cli('system df', ['system', 'df']),
    cli('version', ['version', '--format', '{{.Server.APIVersion}} {{.Server.MinAPIVersion}} {{.Server.Os}}']),
    cli('info', ['info', '--format', '{{.Containers}} {{.ContainersRunning}} {{.ContainersStopped}} {{.Images}} {{.OSType}}']),
  ];
}

/** Volumes at 1.41 only: older paths leave out fields the reference docs did not have yet (shape.ts). */
function volumeCases(): ApiCase[] {
  const vol: Opts = { versions: MODERN };
  const volTeardown: Opts = { ...vol, teardown: [{ cli: ['volume', 'rm', '-f', 'cx-vol'] }] };
  return [
    api('POST /volumes/create', 'named with labels', '/volumes/create', { json: { Name: 'cx-vol', Labels: { compat: 'vol' } }, values: ['Name', 'Driver', 'Labels', 'Scope', 'Options'], ...volTeardown }),
    api('POST /volumes/create', 'illegal name', '/volumes/create', { json: { Name: 'cx/vol' }, ...vol }),
    api('POST /volumes/create', 'unknown option', '/volumes/create', { json: { Name: 'cx-vol', DriverOpts: { bogus: 'x' } }, ...volTeardown }),
    api('GET /volumes', 'filter label', '/volumes?filters=%7B%22label%22%3A%5B%22compat%3Dnone%22%5D%7D', { values: ['Volumes', 'Warnings'], ...vol }),
    api('GET /volumes', 'filter bad dangling', '/volumes?filters=%7B%22dangling%22%3A%5B%22maybe%22%5D%7D', vol),
    api('GET /volumes/:name', 'unknown', '/volumes/cx-nope', vol),
    api('DELETE /volumes/:name', 'unknown', '/volumes/cx-nope', vol),
    api('DELETE /volumes/:name', 'unknown forced', '/volumes/cx-nope?force=1', vol),
    api('POST /volumes/prune', 'label filter', '/volumes/prune?filters=%7B%22label%22%3A%5B%22compat%3Dnone%22%5D%7D', { values: ['VolumesDeleted', 'SpaceReclaimed'], ...vol }),
  ];
}

/** A tar with one file, `hello.txt`, for PUT /archive (ustar, built by hand: 512-byte header + data block + 2 zero blocks). */
function oneFileTar(): Buffer {
  const data = Buffer.from('hello\n');
  const h = Buffer.alloc(512);
  const put = (s: string, off: number, len: number) => h.write(s.slice(0, len), off, 'ascii');
  put('hello.txt', 0, 100);
  put('0000644\0', 100, 8); put('0000000\0', 108, 8); put('0000000\0', 116, 8);
  put(data.length.toString(8).padStart(11, '0') + '\0', 124, 12);
  put('14000000000\0', 136, 12);
  h.fill(' ', 148, 156);
  put('0', 156, 1);
  put('ustar\u000000', 257, 8);
  let sum = 0; for (const b of h) sum += b;
  put(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8);
  const body = Buffer.alloc(512); data.copy(body);
  return Buffer.concat([h, body, Buffer.alloc(1024)]);
}

/** docker cp's routes: /archive from 1.20 (so 1.24 and 1.41 here), /copy before 1.24. */
function archiveCases(): (ApiCase | CliCase)[] {
  const v: Version[] = ['1.24', '1.41'];
  const old: Version[] = ['1.12', '1.18', '1.24'];
  return [
    api('HEAD /containers/:id/archive', 'file', '/containers/cx-run/archive?path=/etc/hostname', { versions: v }),
    api('HEAD /containers/:id/archive', 'missing path', '/containers/cx-run/archive?path=/nope', { versions: v }),
    api('HEAD /containers/:id/archive', 'no path', '/containers/cx-run/archive', { versions: v }),
    api('HEAD /containers/:id/archive', 'unknown', '/containers/nope/archive?path=/', { versions: v }),
    api('GET /containers/:id/archive', 'file', '/containers/cx-exited/archive?path=/bin/sh', { versions: v, text: 'presence' }),
    api('GET /containers/:id/archive', 'missing path', '/containers/cx-exited/archive?path=/nope', { versions: v }),
    api('GET /containers/:id/archive', 'no path', '/containers/cx-exited/archive', { versions: v }),
    api('GET /containers/:id/archive', 'unknown', '/containers/nope/archive?path=/', { versions: v }),
    api('PUT /containers/:id/archive', 'one file', '/containers/cx-tmp/archive?path=/tmp', { versions: v, raw: oneFileTar(), headers: { 'Content-Type': 'application/x-tar' }, ...tmp('running') }),
    api('PUT /containers/:id/archive', 'missing dir', '/containers/cx-tmp/archive?path=/nope', { versions: v, raw: oneFileTar(), headers: { 'Content-Type': 'application/x-tar' }, ...tmp('running') }),
    api('PUT /containers/:id/archive', 'not a directory', '/containers/cx-tmp/archive?path=/etc/hostname', { versions: v, raw: oneFileTar(), headers: { 'Content-Type': 'application/x-tar' }, ...tmp('running') }),
    api('PUT /containers/:id/archive', 'unknown', '/containers/nope/archive?path=/tmp', { versions: v, raw: oneFileTar(), headers: { 'Content-Type': 'application/x-tar' } }),
    api('POST /containers/:id/copy', 'file', '/containers/cx-exited/copy', { versions: old, json: { Resource: '/bin/sh' }, text: 'presence' }),
    api('POST /containers/:id/copy', 'missing path', '/containers/cx-exited/copy', { versions: old, json: { Resource: '/nope' } }),
    api('POST /containers/:id/copy', 'no resource', '/containers/cx-exited/copy', { versions: old, json: {} }),
    cli('cp missing path', ['cp', 'cx-run:/nope', '/tmp/cx-cp-nope']),
    cli('cp unknown container', ['cp', 'nope:/etc/hostname', '/tmp/cx-cp-nope']),
  ];
}

/** A node outside a swarm: every swarm route answers 503 (leave: "not part of a swarm"). */
function swarmCases(): ApiCase[] {
  const v: Version[] = ['1.24', '1.41'];
  /** routes the docs add after 1.24 are compared at 1.41 only */
  const from = (min: string): Version[] => v.filter((x) => x !== '1.24' || min === '1.24');
  return [
    api('GET /swarm', 'inspect', '/swarm', { versions: v }),
    api('GET /swarm/unlockkey', 'unlock key', '/swarm/unlockkey', { versions: from('1.25') }),
    api('POST /swarm/leave', 'leave', '/swarm/leave', { versions: v }),
    api('POST /swarm/unlock', 'unlock', '/swarm/unlock', { versions: from('1.25'), json: { UnlockKey: 'x' } }),
    api('POST /swarm/update', 'update', '/swarm/update?version=1', { versions: v, json: {} }),
    api('POST /swarm/init', 'init without ListenAddr', '/swarm/init', { versions: v, json: { ListenAddr: '' } }),
    api('POST /swarm/join', 'join without remotes', '/swarm/join', { versions: v, json: { ListenAddr: '0.0.0.0:2377', RemoteAddrs: [] } }),
    api('GET /nodes', 'list', '/nodes', { versions: v }),
    api('GET /nodes/:id', 'inspect', '/nodes/nope', { versions: v }),
    api('DELETE /nodes/:id', 'remove', '/nodes/nope', { versions: v }),
    api('POST /nodes/:id/update', 'update', '/nodes/nope/update?version=1', { versions: v, json: {} }),
    api('GET /services', 'list', '/services', { versions: v }),
    api('GET /services/:id', 'inspect', '/services/nope', { versions: v }),
    api('POST /services/create', 'create', '/services/create', { versions: v, json: { Name: 'x' } }),
    api('POST /services/:id/update', 'update', '/services/nope/update?version=1', { versions: v, json: {} }),
    api('DELETE /services/:id', 'remove', '/services/nope', { versions: v }),
    api('GET /services/:id/logs', 'logs', '/services/nope/logs?stdout=1', { versions: from('1.25') }),
    api('GET /tasks', 'list', '/tasks', { versions: v }),
    api('GET /tasks/:id', 'inspect', '/tasks/nope', { versions: v }),
    api('GET /tasks/:id/logs', 'logs', '/tasks/nope/logs?stdout=1', { versions: from('1.29') }),
    api('GET /secrets', 'list', '/secrets', { versions: from('1.25') }),
    api('POST /secrets/create', 'create', '/secrets/create', { versions: from('1.25'), json: { Name: 'x', Data: 'eA==' } }),
    api('GET /secrets/:id', 'inspect', '/secrets/nope', { versions: from('1.25') }),
    api('POST /secrets/:id/update', 'update', '/secrets/nope/update?version=1', { versions: from('1.26'), json: {} }),
    api('DELETE /secrets/:id', 'remove', '/secrets/nope', { versions: from('1.25') }),
    api('GET /configs', 'list', '/configs', { versions: from('1.30') }),
    api('POST /configs/create', 'create', '/configs/create', { versions: from('1.30'), json: { Name: 'x', Data: 'eA==' } }),
    api('GET /configs/:id', 'inspect', '/configs/nope', { versions: from('1.30') }),
    api('POST /configs/:id/update', 'update', '/configs/nope/update?version=1', { versions: from('1.30'), json: {} }),
    api('DELETE /configs/:id', 'remove', '/configs/nope', { versions: from('1.30') }),
  ];
}

export function buildCases(inputs: CaseInputs): Case[] {
  // images last among the API cases: `rmi in use` and `DELETE /images/{id}` must find the
  // fixtures' image still there even if an engine wrongly removed it
  return [...systemCases(), ...containerCases(), ...lifecycleAndFsCases(), ...execCases(), ...volumeCases(), ...archiveCases(), ...imageCases(inputs), ...swarmCases(), ...cliCases()];
}

export const VERSIONS_FOR_DOCS: Version[] = ['1.12', '1.18', '1.24'];

/** The v1.41 reference's ContainerCreate example, with `ubuntu` → busybox and its typo (`DeviceIDs"`) fixed. */
const DOCS_141_CREATE = {
  Hostname: '', Domainname: '', User: '', AttachStdin: false, AttachStdout: true, AttachStderr: true, Tty: false,
  OpenStdin: false, StdinOnce: false, Env: ['FOO=bar', 'BAZ=quux'], Cmd: ['date'], Entrypoint: '', Image: IMAGE,
  Labels: { 'com.example.vendor': 'Acme', 'com.example.license': 'GPL', 'com.example.version': '1.0' },
  Volumes: { '/volumes/data': {} }, WorkingDir: '', NetworkDisabled: false, MacAddress: '12:34:56:78:9a:bc',
  ExposedPorts: { '22/tcp': {} }, StopSignal: 'SIGTERM', StopTimeout: 10,
  HostConfig: {
    Binds: ['/tmp:/tmp'], Links: ['redis3:redis'], Memory: 0, MemorySwap: 0, MemoryReservation: 0, KernelMemory: 0,
    NanoCpus: 500000, CpuPercent: 80, CpuShares: 512, CpuPeriod: 100000, CpuRealtimePeriod: 1000000, CpuRealtimeRuntime: 10000,
    CpuQuota: 50000, CpusetCpus: '0,1', CpusetMems: '0,1', MaximumIOps: 0, MaximumIOBps: 0, BlkioWeight: 300,
    BlkioWeightDevice: [{}], BlkioDeviceReadBps: [{}], BlkioDeviceReadIOps: [{}], BlkioDeviceWriteBps: [{}], BlkioDeviceWriteIOps: [{}],
    DeviceRequests: [{ Driver: 'nvidia', Count: -1, DeviceIDs: ['0', '1', 'GPU-fef8089b-4820-abfc-e83e-94318197576e'], Capabilities: [['gpu', 'nvidia', 'compute']], Options: { property1: 'string', property2: 'string' } }],
    MemorySwappiness: 60, OomKillDisable: false, OomScoreAdj: 500, PidMode: '', PidsLimit: 0,
    PortBindings: { '22/tcp': [{ HostPort: '11022' }] }, PublishAllPorts: false, Privileged: false, ReadonlyRootfs: false,
    Dns: ['8.8.8.8'], DnsOptions: [''], DnsSearch: [''], VolumesFrom: ['parent', 'other:ro'], CapAdd: ['NET_ADMIN'], CapDrop: ['MKNOD'],
    GroupAdd: ['newgroup'], RestartPolicy: { Name: '', MaximumRetryCount: 0 }, AutoRemove: true, NetworkMode: 'bridge', Devices: [],
    Ulimits: [{}], LogConfig: { Type: 'json-file', Config: {} }, SecurityOpt: [], StorageOpt: {}, CgroupParent: '', VolumeDriver: '',
  },
};

/**
 * The same example reduced to what can be created on this host with dockerd 20.10 and `--bridge=none`:
 * no links/volumes-from to absent containers, no GPU, no bridge network (so no MAC or ports), one CPU,
 * no realtime budget.
 */
const { MacAddress: _mac, ExposedPorts: _ports, ...DOCS_141_CONFIG } = DOCS_141_CREATE;
const FULL_CREATE = {
  ...DOCS_141_CONFIG,
  HostConfig: {
    Binds: ['/tmp:/tmp'], Memory: 64 * 1024 * 1024, MemorySwap: 128 * 1024 * 1024, MemoryReservation: 32 * 1024 * 1024,
    CpuShares: 512, CpuPeriod: 100000, CpuQuota: 50000, CpusetCpus: '0', BlkioWeight: 300, MemorySwappiness: 60,
    OomKillDisable: false, OomScoreAdj: 500, PidsLimit: 100,
    Dns: ['127.0.0.1'], DnsOptions: ['ndots:2'], DnsSearch: ['example.test'], CapAdd: ['NET_ADMIN'], CapDrop: ['MKNOD'],
    GroupAdd: ['100'], RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 2 }, NetworkMode: 'none',
    Ulimits: [{ Name: 'nofile', Soft: 1024, Hard: 2048 }], LogConfig: { Type: 'json-file', Config: { 'max-size': '1m' } },
    Tmpfs: { '/run': 'rw,noexec,nosuid,size=65536k' }, ExtraHosts: ['host.test:127.0.0.1'], ShmSize: 67108864,
  },
};
