/**
 * Reading policy (and policy test) files from disk, with errors that say what to do.
 *
 * @module
 */
import { UnusableFileError } from "../adapters/files.ts";
import { ExitCode, SentinelError } from "../core/errors.ts";
import { formatIssue, parsePolicy } from "../core/policy/parse.ts";
import type { PolicyDocument } from "../core/policy/schema.ts";
import type { Locate } from "../core/yaml_source.ts";

/** Reads a text file the user named, turning file-system errors into exit code 3. */
export async function readUserFile(
  readTextFile: (path: string) => Promise<string>,
  path: string,
  what: string,
): Promise<string> {
  try {
    return await readTextFile(path);
  } catch (error) {
    if (error instanceof UnusableFileError) {
      throw new SentinelError(
        ExitCode.InvalidPolicy,
        `cannot read ${what} ${displayName(path)}: ${error.reason}; ${error.advice}`,
        { cause: error },
      );
    }
    const why = error instanceof Deno.errors.NotFound
      ? "no such file"
      : error instanceof Deno.errors.PermissionDenied
      ? "permission denied"
      : error instanceof Deno.errors.IsADirectory
      ? "it is a directory"
      : String((error as Error).message ?? error);
    throw new SentinelError(
      ExitCode.InvalidPolicy,
      `cannot read ${what} ${path}: ${why}; check the path`,
      { cause: error },
    );
  }
}

/** How a file argument is named in messages: `-` is standard input. */
export function displayName(path: string): string {
  return path === "-" ? "<stdin>" : path;
}

/** A loaded, validated policy document and where it came from. */
export interface LoadedPolicy {
  source: string;
  text: string;
  document: PolicyDocument;
  locate: Locate;
}

/**
 * Parses and validates policy text; an invalid policy is a {@link SentinelError} with exit code 3
 * and every issue as a detail line.
 */
export function validatePolicyText(text: string, source: string): LoadedPolicy {
  const result = parsePolicy(text);
  if (!result.ok) {
    const count = result.issues.length;
    throw new SentinelError(
      ExitCode.InvalidPolicy,
      `invalid policy ${source}: ${count} ${
        count === 1 ? "error" : "errors"
      }; fix them and run \`sentinel policy validate ${source}\``,
      { details: result.issues.map((issue) => formatIssue(issue, source)) },
    );
  }
  return { source, text, document: result.policy, locate: result.locate };
}

/** Reads and validates a policy file. */
export async function loadPolicyFile(
  readTextFile: (path: string) => Promise<string>,
  path: string,
): Promise<LoadedPolicy> {
  return validatePolicyText(
    await readUserFile(readTextFile, path, "policy file"),
    displayName(path),
  );
}
