/** The layer-data fixture lives in the test-support module; this path stays for suites that still import it. */
export { makeFixture, writeFixture, type FixtureSize } from "../../src/testing/fixture";
