/**
 * A tiny real file system for full-disk tests: a tmpfs of a few kilobytes, mounted on a temporary
 * directory. Mounting needs root (or CAP_SYS_ADMIN); tests that need it are ignored elsewhere,
 * with the reason in their name.
 *
 * @module
 */

/** Whether this process may mount a tmpfs here (probed once by mounting and unmounting one). */
export function canMountTmpfs(): boolean {
  if (Deno.build.os !== "linux") return false;
  const dir = Deno.makeTempDirSync({ prefix: "sentinel-mount-probe-" });
  try {
    const mounted = new Deno.Command("mount", {
      args: ["-t", "tmpfs", "-o", "size=64k", "tmpfs", dir],
      stdout: "null",
      stderr: "null",
    }).outputSync();
    if (mounted.code !== 0) return false;
    new Deno.Command("umount", { args: [dir] }).outputSync();
    return true;
  } catch {
    return false;
  } finally {
    Deno.removeSync(dir);
  }
}

/** A mounted tmpfs; dispose it to unmount and remove the directory. */
export interface Tmpfs extends AsyncDisposable {
  dir: string;
  /** Fills the remaining space with a filler file (until the disk reports it is full). */
  fill(): Promise<void>;
  /** Removes the filler, giving the space back. */
  free(): Promise<void>;
}

/** Mounts a tmpfs of `size` (such as `64k`) on a fresh temporary directory. */
export async function mountTmpfs(size: string): Promise<Tmpfs> {
  const dir = await Deno.makeTempDir({ prefix: "sentinel-tmpfs-" });
  const mounted = await new Deno.Command("mount", {
    args: ["-t", "tmpfs", "-o", `size=${size},mode=0700`, "tmpfs", dir],
  }).output();
  if (mounted.code !== 0) {
    await Deno.remove(dir);
    throw new Error(`mount tmpfs failed: ${new TextDecoder().decode(mounted.stderr)}`);
  }
  const filler = `${dir}/.filler`;
  return {
    dir,
    async fill() {
      using file = await Deno.open(filler, { write: true, create: true, append: true });
      const block = new Uint8Array(512);
      try {
        for (;;) await file.write(block);
      } catch (error) {
        if (!String(error).includes("os error 28")) throw error;
      }
    },
    free: () => Deno.remove(filler),
    async [Symbol.asyncDispose]() {
      await new Deno.Command("umount", { args: [dir] }).output();
      await Deno.remove(dir, { recursive: true });
    },
  };
}
