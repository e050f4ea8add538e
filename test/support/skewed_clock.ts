/**
 * Preloaded into a Sentinel process (`deno run --preload`) to run it on a clock that is off by
 * `SENTINEL_TEST_CLOCK_OFFSET` milliseconds (a machine whose clock runs ahead or behind): `Date.now()`
 * and `new Date()` move; the kernel's clock (file times) and AWS's do not.
 *
 * @module
 */
const offset = Number(Deno.env.get("SENTINEL_TEST_CLOCK_OFFSET") ?? "0");
const RealDate = Date;
const realNow = RealDate.now;

class SkewedDate extends RealDate {
  // deno-lint-ignore no-explicit-any
  constructor(...args: any[]) {
    // @ts-ignore: the Date constructor's overloads, forwarded as given
    super(...(args.length === 0 ? [realNow() + offset] : args));
  }

  static override now(): number {
    return realNow() + offset;
  }
}

globalThis.Date = SkewedDate as DateConstructor;
