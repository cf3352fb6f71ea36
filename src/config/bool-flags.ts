// Go-style boolean flags (`--tls`, `--tls=false`, `--live-restore=true`) that node's parseArgs cannot
// read: it refuses `=value` on a boolean. They are taken out of argv before parseArgs sees it, and
// "not given" stays distinguishable from "given as false" (dockerd's --tls=false opt-in needs that).
export interface BoolFlags {
  rest: string[];
  values: Map<string, boolean>;
}

const TRUE = new Set(['true', '1', 't', 'T', 'TRUE', 'True']);
const FALSE = new Set(['false', '0', 'f', 'F', 'FALSE', 'False']);

export function extractBoolFlags(argv: string[], names: readonly string[]): BoolFlags {
  const rest: string[] = [];
  const values = new Map<string, boolean>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') { rest.push(...argv.slice(i)); break; }
    const m = /^--([a-z0-9-]+)(?:=(.*))?$/.exec(arg);
    if (!m || !names.includes(m[1]!)) { rest.push(arg); continue; }
    const raw = m[2];
    if (raw === undefined) { values.set(m[1]!, true); continue; }
    if (TRUE.has(raw)) values.set(m[1]!, true);
    else if (FALSE.has(raw)) values.set(m[1]!, false);
    else throw new Error(`invalid argument "${raw}" for "--${m[1]}" flag: parse error`);
  }
  return { rest, values };
}
