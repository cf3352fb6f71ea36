// Router backends are assembled in the wiring from the modules that own each part: this picks
// named methods of one module, bound to it, so the parts can be spread into one backend object
// whose type the compiler checks against the router's interface.
export function delegate<T extends object, K extends keyof T>(owner: T, ...names: K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const name of names) {
    const member = owner[name];
    out[name] = (typeof member === 'function' ? member.bind(owner) : member) as T[K];
  }
  return out;
}
