/**
 * A file's text hash, taken from its bytes for the warm path, is the hash of the text the strict
 * reader returns: with and without a byte order mark, with multi-byte characters; bytes that are
 * not UTF-8 never hash like a valid text; a missing file has none.
 */
import { assertEquals, assertRejects } from "../../test/assert.ts";
import { sha256Hex } from "../core/text/hash.ts";
import { fileTextHash, readOptionalText, UnusableFileError } from "./files.ts";

Deno.test("fileTextHash is the hash of the text readOptionalText returns", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const encoder = new TextEncoder();
    const text = 'version: "1"\nrules:\n  - { name: grüße, effect: allow } # ✓ 𝄞\n';
    const samples: [string, Uint8Array][] = [
      ["plain", encoder.encode(text)],
      ["bom", Uint8Array.of(0xef, 0xbb, 0xbf, ...encoder.encode(text))],
      ["empty", new Uint8Array()],
      ["only-bom", Uint8Array.of(0xef, 0xbb, 0xbf)],
    ];
    for (const [name, bytes] of samples) {
      const path = `${dir}/${name}.yaml`;
      await Deno.writeFile(path, bytes);
      const read = await readOptionalText(path);
      assertEquals(await fileTextHash(path), await sha256Hex(read!), name);
    }

    // Latin-1 "grüße": the reader refuses it, and its hash is not that of any decoding of it.
    const latin1 = `${dir}/latin1.yaml`;
    await Deno.writeFile(latin1, Uint8Array.of(0x67, 0x72, 0xfc, 0xdf, 0x65));
    await assertRejects(() => readOptionalText(latin1), UnusableFileError, "not valid UTF-8");
    const lenient = new TextDecoder().decode(await Deno.readFile(latin1));
    assertEquals((await fileTextHash(latin1)) === (await sha256Hex(lenient)), false);

    assertEquals(await fileTextHash(`${dir}/missing.yaml`), undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
