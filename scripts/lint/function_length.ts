/**
 * A local `deno lint` plugin (deno.json `lint.plugins`) with one rule, `sentinel/max-function-lines`:
 * a function in `src/` may span at most {@link MAX_FUNCTION_LINES} lines, from its first line to
 * its closing brace (nested functions count toward the function around them). A long function is
 * split into named steps, not squeezed.
 *
 * Excepted: tests (`*_test.ts`, `test/`, `scripts/`, `bench/`: only `src/` is measured) and
 * generated tables — a file whose first comment says `@generated` (there is none today).
 *
 * @module
 */

/** The longest a function in `src/` may be, in lines. */
export const MAX_FUNCTION_LINES = 60;

/** Whether the rule measures the file at `path` (an absolute path or URL). */
export function measured(path: string, text: string): boolean {
  const normal = path.replaceAll("\\", "/");
  const at = normal.lastIndexOf("/src/");
  if (at === -1) return false;
  const inside = normal.slice(at + 1);
  if (inside.endsWith("_test.ts") || !/\.tsx?$/.test(inside)) return false;
  return !text.slice(0, 600).includes("@generated");
}

/** The number of lines from `start` to `end` (offsets into `text`), both lines counted. */
export function lineSpan(text: string, start: number, end: number): number {
  let lines = 1;
  for (let i = start; i < end; i++) if (text.charCodeAt(i) === 10) lines++;
  return lines;
}

/** A readable name for a function node: its own, or the variable, property or method it is. */
function nameOf(node: Deno.lint.Node): string {
  const named = node as { id?: { name?: string } | null; parent?: Deno.lint.Node };
  if (named.id?.name) return named.id.name;
  const parent = named.parent as
    | { type: string; id?: { name?: string }; key?: { name?: string; value?: string } }
    | undefined;
  if (parent?.type === "VariableDeclarator" && parent.id?.name) return parent.id.name;
  if (
    (parent?.type === "MethodDefinition" || parent?.type === "Property") && parent.key
  ) return String(parent.key.name ?? parent.key.value ?? "(method)");
  return "(anonymous function)";
}

const plugin: Deno.lint.Plugin = {
  name: "sentinel",
  rules: {
    "max-function-lines": {
      create(context) {
        const text = context.sourceCode.text;
        if (!measured(context.filename, text)) return {};
        const check = (node: Deno.lint.Node) => {
          const [start, end] = node.range;
          const lines = lineSpan(text, start, end);
          if (lines > MAX_FUNCTION_LINES) {
            context.report({
              node,
              message: `${nameOf(node)} is ${lines} lines long (at most ${MAX_FUNCTION_LINES})`,
              hint: "split it into named steps (parse, validate, call, render), each a function",
            });
          }
        };
        return {
          FunctionDeclaration: check,
          FunctionExpression: check,
          ArrowFunctionExpression: check,
        };
      },
    },
  },
};

export default plugin;
