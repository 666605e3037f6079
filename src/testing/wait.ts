/** Waiting in tests, benches and tools: a plain sleep and a poll-until-truthy with a named timeout. */

export const sleep = (ms: number): Promise<void> => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Poll `f` every `everyMs` until it returns something truthy (errors thrown by `f` count as "not yet"); throws
 * after `ms` naming `what` and the last error seen.
 */
export async function until<T>(
  f: () => T | Promise<T>,
  ms: number,
  what: string,
  everyMs = 50,
): Promise<NonNullable<T>> {
  const t0 = Date.now();
  let last: unknown;
  while (Date.now() - t0 < ms) {
    try {
      const v = await f();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    await sleep(everyMs);
  }
  const why = last ? ` (last error: ${last instanceof Error ? last.message : String(last)})` : "";
  throw new Error(`timed out after ${ms} ms waiting for ${what}${why}`);
}
