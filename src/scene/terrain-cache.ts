/**
 * Cesium keeps a terrain tile's index array per grid size for the page's lifetime (TerrainProvider's module-level
 * cache) and hangs on it, per WebGL context id, the index buffer made from it. A destroyed buffer keeps its WebGL
 * context, so each destroyed scene's entry keeps that scene's context and canvas alive: one detached canvas, with
 * the listeners Cesium put on it, per rebuild. `forgetContextBuffers` removes a destroyed context's entries.
 */
import { TerrainProvider } from "cesium";

type IndexBuffers = Record<string, unknown>;
type GridIndices = (width: number, height: number) => { indices?: { indexBuffers?: IndexBuffers } };

/** the grids the globe's tiles use: EllipsoidTerrainProvider's 16 x 16 heightmaps, with and without skirts */
const GRIDS: [number, number][] = [[16, 16]];

function cachedGrids(): GridIndices[] {
  const tp = TerrainProvider as unknown as Record<string, GridIndices | undefined>;
  return [tp.getRegularGridAndSkirtIndicesAndEdgeIndices, tp.getRegularGridIndicesAndEdgeIndices].filter(
    (f): f is GridIndices => typeof f === "function",
  );
}

/** drops the index buffers cached for the context `contextId`; returns how many were dropped */
export function forgetContextBuffers(contextId: string): number {
  let dropped = 0;
  for (const grid of cachedGrids())
    for (const [w, h] of GRIDS) {
      const buffers = grid(w, h).indices?.indexBuffers;
      if (buffers && contextId in buffers) {
        delete buffers[contextId];
        dropped++;
      }
    }
  return dropped;
}
