/**
 * What a runner process does to itself before it loads a plugin: it gives up every permission a
 * plugin's Worker must not have. This matters most in a compiled binary, which starts its runner
 * with all of its own permissions: module loading (`import()`, `new Worker(url)`) is checked
 * against the process's permissions, not the Worker's, so a Worker with `read: false` and
 * `import: false` could otherwise import any local file or remote module the process may reach.
 * No npm imports.
 *
 * @module
 */

/**
 * Revokes, for the whole process, the permissions no plugin gets: file reads and module imports
 * (closing local-file and remote imports), environment, subprocesses, FFI and system information.
 * Network and write stay, narrowed per Worker, because a Worker's grants must be a subset of the
 * process's when it is created.
 */
export function narrowProcess(): void {
  for (const name of ["read", "import", "env", "run", "ffi", "sys"] as const) {
    Deno.permissions.revokeSync({ name });
  }
}
