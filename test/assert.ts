/**
 * Assertions for tests, on top of `node:assert/strict` (JSR's `@std/assert` is unreachable here).
 *
 * @module
 */
import assert from "node:assert/strict";

/** Deep, strict equality. */
export function assertEquals<T>(
  actual: unknown,
  expected: T,
  message?: string,
): void {
  assert.deepStrictEqual(actual, expected, message);
}

/** Strict truth. */
export function assertTrue(value: unknown, message?: string): asserts value {
  assert.ok(value, message);
}

/** The text contains the fragment. */
export function assertIncludes(
  text: string,
  fragment: string,
  message?: string,
): void {
  assert.ok(
    text.includes(fragment),
    message ??
      `expected ${JSON.stringify(text)} to include ${JSON.stringify(fragment)}`,
  );
}

/** The text matches the pattern. */
export function assertMatch(
  text: string,
  pattern: RegExp,
  message?: string,
): void {
  assert.match(text, pattern, message);
}

/** The function throws an error of the given class (and message fragment). */
export function assertThrows(
  fn: () => unknown,
  errorClass: new (...args: never[]) => Error,
  fragment?: string,
): Error {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  assert.ok(
    caught instanceof errorClass,
    `expected ${errorClass.name}, got ${String(caught)}`,
  );
  if (fragment) assertIncludes((caught as Error).message, fragment);
  return caught as Error;
}

/** The promise rejects with an error of the given class (and message fragment). */
export async function assertRejects(
  fn: () => Promise<unknown>,
  errorClass: new (...args: never[]) => Error,
  fragment?: string,
): Promise<Error> {
  let caught: unknown;
  try {
    await fn();
  } catch (error) {
    caught = error;
  }
  assert.ok(
    caught instanceof errorClass,
    `expected ${errorClass.name}, got ${String(caught)}`,
  );
  if (fragment) assertIncludes((caught as Error).message, fragment);
  return caught as Error;
}
