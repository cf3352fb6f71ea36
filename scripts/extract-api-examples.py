#!/usr/bin/env python3
# Extracts the `POST /containers/create` and `POST /containers/{id}/update` example bodies from the
# Engine API reference docs (v1.12.md…v1.24.md, v1.25.yaml…v1.41.yaml) into
# test/fixtures/api-examples.json, which test/integration/api-examples.test.ts posts.
# Python because the newer docs are YAML and Debian's python3-yaml reads them; the node
# dependencies have no YAML parser.
# Usage: python3 scripts/extract-api-examples.py REFERENCE_API_DIR > test/fixtures/api-examples.json
import json, re, sys
import yaml
root = sys.argv[1]
out = {'create': {}, 'update': {}}
def md_example(text, path_re):
    m = re.search(r'POST (?:/v[0-9.]+)?' + path_re + r' HTTP/1.1\n', text)
    if not m: return None
    rest = text[m.end():]
    i = rest.index('{')
    depth = 0; j = i; instr = False; esc = False
    while True:
        c = rest[j]
        if instr:
            if esc: esc = False
            elif c == '\\': esc = True
            elif c == '"': instr = False
        elif c == '"': instr = True
        elif c == '{': depth += 1
        elif c == '}':
            depth -= 1
            if depth == 0: break
        j += 1
    return json.loads(rest[i:j+1])
for n in range(12, 42):
    v = f'1.{n}'
    if n <= 24:
        t = open(f'{root}/v{v}.md').read()
        c = md_example(t, r'/containers/create')
        u = md_example(t, r'/containers/[0-9a-z_()]+/update')
    else:
        d = yaml.safe_load(open(f'{root}/v{v}.yaml'))
        def ex(path):
            for x in d['paths'][path]['post']['parameters']:
                if x.get('in') == 'body': return x['schema'].get('example')
        c = ex('/containers/create'); u = ex('/containers/{id}/update')
    if c is not None: out['create'][v] = c
    if u is not None: out['update'][v] = u
json.dump(out, sys.stdout, indent=1)
sys.stdout.write("\n")
