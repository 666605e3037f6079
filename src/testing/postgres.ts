/**
 * The test PostgreSQL server: where it is, and whether it is reachable (the CI rule for a missing one).
 */
/** the test PostgreSQL server (trust auth); override with TEST_POSTGRES_URL */
export const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/**
 * Is the test PostgreSQL server reachable? In CI (CI=true) a missing server is an error (.ci/run starts one);
 * elsewhere the caller skips with a message naming it.
 */
export async function hasPostgres(what: string): Promise<boolean> {
  const { default: pg } = await import("pg");
  const c = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.query("SELECT 1");
    return true;
  } catch (e) {
    const msg = `PostgreSQL at ${POSTGRES_URL} is not reachable (${(e as Error).message})`;
    if (process.env.CI === "true") throw new Error(`${what}: ${msg}; CI must start it (.ci/run)`);
    console.warn(`[${what}] SKIPPED: ${msg} (set CI=true to make this a failure)`);
    return false;
  } finally {
    await c.end().catch(() => {});
  }
}
