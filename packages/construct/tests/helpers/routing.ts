import { allStates } from './definition.js';

type StateJson = Record<string, unknown>;

/** The value at a simple JSONPath (`$`, `.field`, `[index]`), or undefined. */
function valueAt(input: unknown, path: string): unknown {
  const tokens = path.slice(1).match(/\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\]/g) ?? [];
  let current: unknown = input;
  for (const token of tokens) {
    if (current === null || typeof current !== 'object') return undefined;
    const key = token.startsWith('[') ? Number(token.slice(1, -1)) : token.slice(1);
    if (Array.isArray(current) && typeof key !== 'number') return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

function matches(rule: StateJson, input: unknown): boolean {
  if (Array.isArray(rule.And)) return (rule.And as StateJson[]).every((r) => matches(r, input));
  if (typeof rule.IsPresent === 'boolean') {
    return (valueAt(input, String(rule.Variable)) !== undefined) === rule.IsPresent;
  }
  throw new Error(`Rule not supported by this test evaluator: ${JSON.stringify(rule)}`);
}

/** The state a Choice state moves to for `input` (IsPresent and And rules only). */
function choose(choice: StateJson, input: unknown): string {
  for (const rule of (choice.Choices as StateJson[]) ?? []) {
    if (matches(rule, input)) return String(rule.Next);
  }
  return String(choice.Default);
}

/** Name of the Map or Parallel state whose branch holds each nested state. */
function parents(definition: StateJson): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, state] of Object.entries(allStates(definition))) {
    const processor = (state.ItemProcessor ?? state.Iterator) as { States: StateJson } | undefined;
    for (const child of Object.keys(processor?.States ?? {})) out[child] = name;
    for (const branch of (state.Branches as Array<{ States: StateJson }>) ?? []) {
      for (const child of Object.keys(branch.States)) out[child] = name;
    }
  }
  return out;
}

/**
 * Where an error raised by `stateName` ends up: the `Next` of the first Catch that matches it
 * (`ErrorEquals` names it or `States.ALL`) on the state or, failing that, on the Map/Parallel
 * states around it. Undefined when nothing catches it (the execution fails).
 */
function catchTarget(definition: StateJson, stateName: string, error: string): string | undefined {
  const states = allStates(definition);
  const parentOf = parents(definition);
  let current: string | undefined = stateName;
  while (current !== undefined) {
    const state = states[current];
    if (state === undefined) throw new Error(`No state named ${current}`);
    for (const catcher of (state.Catch as StateJson[]) ?? []) {
      const names = catcher.ErrorEquals as string[];
      if (names.includes(error) || names.includes('States.ALL')) return String(catcher.Next);
    }
    current = parentOf[current];
  }
  return undefined;
}

export { catchTarget, choose, valueAt };
