/**
 * Versions of the generated artefacts, in a module with no heavy imports so tools/ensure-data.ts can
 * check currency fast. Bump GENERATOR_VERSION whenever any generator's output changes, TILER_VERSION
 * whenever the tileset builder's output changes: ensure-data regenerates on mismatch.
 */
export const GENERATOR_NAME = "rongtwin-datagen";
export const GENERATOR_VERSION = "1.1.0";
export const DEFAULT_SEED = 20231227;
export const TILER_VERSION = "1.0.1";
