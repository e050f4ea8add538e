/**
 * Names cut into atoms: the classes of names that no pattern of a policy pair can tell
 * apart. Glob patterns are regular languages, so the atoms are exact: every literal name a policy
 * lists is an atom of its own, and every other atom is one combination of globs matched and not
 * matched (an intersection of the globs' languages and their complements, less the literals).
 *
 * They are found by walking the product of every glob's automaton and a trie of the literals,
 * breadth first from the empty name: a reachable product state is a non-empty set of names, its
 * accepting patterns are their signature, and the path to it is the shortest name in it. Characters
 * no pattern mentions behave alike, so one stands for them all.
 *
 * @example
 * ```ts
 * import { nameAtoms } from "./name_atoms.ts";
 *
 * const atoms = nameAtoms(["prod", "prod-*", "*-eu"]);
 * // "prod", then names matching prod-* and *-eu, prod-* alone, *-eu alone, and none of them
 * console.assert(atoms.length === 5);
 * console.assert(atoms.some((atom) => atom.witness === "prod-" && atom.globs.join() === "prod-*"));
 * ```
 * @module
 */
import { isGlob } from "../glob.ts";
import { WorkBudget } from "./work_budget.ts";

/** One class of names that every pattern given treats alike. */
export interface NameAtom {
  /** The shortest name of the class (and, for a listed literal, the literal itself). */
  readonly witness: string;
  /** The literal name this atom is, when it is one of the listed names. */
  readonly literal?: string;
  /** The glob patterns every name of the class matches, in the order given. */
  readonly globs: readonly string[];
}

/** What trying one character from a product state costs, in work units, besides the automata's steps. */
const STEP_UNITS = 40;
/** What keeping one product state costs (its key, its automata's new states, its place in the walk). */
const STATE_UNITS = 1_000;

/** Characters tried first when one must stand for every character no pattern mentions. */
const STAND_INS = "xyzqjkvwbcdfghlmnprst0123456789abeiou_-.";

interface TrieNode {
  readonly next: Map<string, TrieNode>;
  literal?: string;
}

/**
 * The atoms of every name — the empty one too, which `sentinel check` takes — under `patterns`
 * (literal names and globs, repeats allowed):
 * first the literals in the order given, then the other classes by their shortest name.
 */
export function nameAtoms(
  patterns: readonly string[],
  dimension = "name",
  budget = new WorkBudget(),
): NameAtom[] {
  const globs = [...new Set(patterns.filter(isGlob))];
  const literals = [...new Set(patterns.filter((pattern) => !isGlob(pattern)))];
  const alphabet = alphabetOf(patterns);
  const trie = trieOf(literals);
  const automata = globs.map(globAutomaton);
  const atoms = new Map<string, NameAtom>();
  const seen = new Set<string>();
  let frontier: { states: number[]; node: TrieNode | undefined; name: string }[] = [{
    states: automata.map((automaton) => automaton.start),
    node: trie,
    name: "",
  }];
  while (frontier.length > 0) {
    const next: typeof frontier = [];
    for (const here of frontier) {
      // Stepping every automaton on every character, and keeping what is new: its cost in units.
      budget.spend(
        alphabet.length * (automata.length + STEP_UNITS) + STATE_UNITS,
        () => tooMuch(dimension, globs),
      );
      for (const char of alphabet) {
        const states = here.states.map((state, i) => automata[i].step(state, char));
        const node = here.node?.next.get(char);
        const name = here.name + char;
        const key = `${states.join()}#${node === undefined ? "" : name}`;
        if (seen.has(key)) continue;
        seen.add(key);
        next.push({ states, node, name });
        const matched = globs.filter((_, i) => automata[i].accepts(states[i]));
        const literal = node?.literal;
        const atomKey = `${literal ?? ""}\u0000${matched.join("\u0000")}`;
        if (!atoms.has(atomKey)) {
          atoms.set(atomKey, {
            witness: name,
            ...(literal === undefined ? {} : { literal }),
            globs: matched,
          });
        }
      }
    }
    frontier = next;
  }
  addEmptyName(atoms, globs.filter((_, i) => automata[i].accepts(automata[i].start)));
  const all = [...atoms.values()];
  const byLiteral = new Map(
    all.filter((atom) => atom.literal !== undefined).map((atom) => [atom.literal, atom]),
  );
  return [
    ...literals.map((literal) => byLiteral.get(literal)!),
    ...all.filter((atom) => atom.literal === undefined),
  ];
}

/**
 * The walk starts after the empty name (a state it begins in is not a name it reached): the empty
 * name is a class of its own unless a longer name shares its globs and is no literal.
 */
function addEmptyName(atoms: Map<string, NameAtom>, globs: readonly string[]): void {
  const key = `\u0000${globs.join("\u0000")}`;
  if (!atoms.has(key)) atoms.set(key, { witness: "", globs });
}

function tooMuch(dimension: string, globs: readonly string[]): string {
  const longest = globs.filter((glob) => glob !== "arn:*").sort((a, b) => b.length - a.length);
  return `the ${dimension} patterns of the two policies cannot be told apart exactly (${
    longest.slice(0, 3).join(", ")
  }${
    longest.length > 3 ? ` and ${longest.length - 3} more` : ""
  }): a pattern with many ? after a *, or many patterns such as *x* that one name can all match, need a class for each combination`;
}

/** Every character the patterns mention (wildcards aside), and one that none does. */
function alphabetOf(patterns: readonly string[]): string[] {
  const mentioned = new Set<string>();
  for (const pattern of patterns) {
    for (const char of pattern) if (char !== "*" && char !== "?") mentioned.add(char);
  }
  const other = [...STAND_INS].find((char) => !mentioned.has(char)) ?? otherCharacter(mentioned);
  return [...mentioned, other];
}

function otherCharacter(mentioned: ReadonlySet<string>): string {
  for (let code = 0x100;; code++) {
    const char = String.fromCodePoint(code);
    if (!mentioned.has(char)) return char;
  }
}

function trieOf(literals: readonly string[]): TrieNode {
  const root: TrieNode = { next: new Map() };
  for (const literal of literals) {
    let node = root;
    for (const char of literal) {
      let child = node.next.get(char);
      if (child === undefined) {
        child = { next: new Map() };
        node.next.set(char, child);
      }
      node = child;
    }
    node.literal = literal;
  }
  return root;
}

/**
 * A glob's automaton: its states are the sets of positions of the pattern reached so far, each
 * numbered once, and each step is worked out once and remembered.
 */
interface GlobAutomaton {
  readonly start: number;
  step(state: number, char: string): number;
  accepts(state: number): boolean;
}

function globAutomaton(pattern: string): GlobAutomaton {
  const symbols = [...pattern];
  const end = symbols.length;
  const sets: number[][] = [];
  const numbers = new Map<string, number>();
  const steps: Map<string, number>[] = [];
  /** The number of a set of positions, with every `*` also skipped (it may match nothing). */
  const numbered = (positions: Iterable<number>): number => {
    const set = new Set<number>();
    for (let position of positions) {
      set.add(position);
      while (position < end && symbols[position] === "*") set.add(++position);
    }
    const sorted = [...set].sort((a, b) => a - b);
    const key = sorted.join();
    let number = numbers.get(key);
    if (number === undefined) {
      number = sets.length;
      numbers.set(key, number);
      sets.push(sorted);
      steps.push(new Map());
    }
    return number;
  };
  return {
    start: numbered([0]),
    step(state, char) {
      let reached = steps[state].get(char);
      if (reached === undefined) {
        const positions: number[] = [];
        for (const position of sets[state]) {
          if (position === end) continue;
          const symbol = symbols[position];
          if (symbol === "*") positions.push(position);
          else if (symbol === "?" || symbol === char) positions.push(position + 1);
        }
        reached = numbered(positions);
        steps[state].set(char, reached);
      }
      return reached;
    },
    accepts: (state) => sets[state].includes(end),
  };
}
