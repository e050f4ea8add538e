import { assertEquals } from "../../../test/assert.ts";
import { oneAppendAtATime } from "./serve.ts";

Deno.test("the broker's decision log takes one append at a time, in order; a failed append fails only its caller", async () => {
  let inside = 0;
  let most = 0;
  const written: string[] = [];
  const log = oneAppendAtATime({
    async append(_path, record) {
      inside++;
      most = Math.max(most, inside);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inside--;
      if (record.fail) throw new Error("disk full");
      written.push(String(record.id));
    },
  });
  const results = await Promise.allSettled(
    [1, 2, 3, 4, 5].map((id) => log.append("/log", { id, fail: id === 3 })),
  );
  assertEquals(results.map((result) => result.status), [
    "fulfilled",
    "fulfilled",
    "rejected",
    "fulfilled",
    "fulfilled",
  ]);
  assertEquals([most, written], [1, ["1", "2", "4", "5"]]);
});
