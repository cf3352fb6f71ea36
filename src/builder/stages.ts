// A parsed Dockerfile as stages: the ARGs before the first FROM, each FROM with its instructions,
// names (`AS name`), and which stages a target needs (its FROM parents and COPY --from sources),
// so the others are skipped.
import { InvalidParameterError } from '../errdefs/index.js';
import type { Instruction } from './dockerfile-parser.js';
import { processWord, type Env } from './shell-lex.js';

export interface Stage {
  index: number;
  /** lowercase name, '' when unnamed */
  name: string;
  from: Instruction;
  /** base image text (variables not yet expanded) */
  base: string;
  commands: Instruction[];
}

export interface StagePlan {
  metaArgs: Instruction[];
  stages: Stage[];
}

export function splitStages(instructions: Instruction[]): StagePlan {
  const metaArgs: Instruction[] = [];
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.cmd === 'from') {
      const words = ins.rest.split(/\s+/).filter(Boolean);
      if (words.length !== 1 && !(words.length === 3 && (words[1] as string).toLowerCase() === 'as')) {
        throw new InvalidParameterError('FROM requires either one or three arguments');
      }
      const name = words.length === 3 ? (words[2] as string).toLowerCase() : '';
      if (name && !/^[a-z][a-z0-9-_.]*$/.test(name)) throw new InvalidParameterError(`invalid name for build stage: "${words[2] as string}", name can't start with a number or contain symbols`);
      if (name && stages.some((s) => s.name === name)) throw new InvalidParameterError(`duplicate name ${name}`);
      stages.push({ index: stages.length, name, from: ins, base: words[0] as string, commands: [] });
      continue;
    }
    const current = stages[stages.length - 1];
    if (!current) {
      if (ins.cmd !== 'arg') throw new InvalidParameterError(`dockerfile parse error line ${ins.line}: no build stage in current context`);
      metaArgs.push(ins);
      continue;
    }
    current.commands.push(ins);
  }
  if (stages.length === 0) throw new InvalidParameterError('file with no instructions');
  return { metaArgs, stages };
}

/** A stage by name or index text, among those before `before`. */
export function findStage(stages: Stage[], ref: string, before = stages.length): Stage | undefined {
  const lower = ref.toLowerCase();
  const byName = stages.slice(0, before).find((s) => s.name !== '' && s.name === lower);
  if (byName) return byName;
  if (/^\d+$/.test(ref)) {
    const i = Number(ref);
    if (i < before) return stages[i];
  }
  return undefined;
}

/** Indexes of the stages the last one (or `target`) depends on, in order. */
export function neededStages(plan: StagePlan, target: string | undefined, metaEnv: Env): number[] {
  let last = plan.stages.length - 1;
  if (target) {
    const t = plan.stages.find((s) => s.name === target.toLowerCase());
    if (!t) throw new InvalidParameterError(`failed to reach build target ${target} in Dockerfile`);
    last = t.index;
  }
  const need = new Set<number>();
  const visit = (i: number): void => {
    if (need.has(i)) return;
    need.add(i);
    const s = plan.stages[i] as Stage;
    const base = findStage(plan.stages, processWord(s.base, metaEnv), i);
    if (base) visit(base.index);
    for (const c of s.commands) {
      const from = c.flags.get('from');
      if ((c.cmd === 'copy' || c.cmd === 'add') && from) {
        const dep = findStage(plan.stages, from, i);
        if (dep) visit(dep.index);
      }
    }
  };
  visit(last);
  return [...need].sort((a, b) => a - b);
}
