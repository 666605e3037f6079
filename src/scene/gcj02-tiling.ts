/**
 * A Web Mercator tiling scheme for tile sources drawn in GCJ-02 (AMap, Tencent): their tile x/y/z cover a GCJ-02
 * rectangle, so each tile is placed over that rectangle converted to WGS84 (the offset is ~500 m in Fuzhou and
 * nearly constant across a tile), and a WGS84 position is looked up in the tile its GCJ-02 coordinates fall in.
 * The WGS84 data then land on the right street. Tianditu (CGCS2000) and OpenStreetMap need no correction.
 */
import { Cartographic, Math as CesiumMath, Rectangle, WebMercatorTilingScheme, type Cartesian2 } from "cesium";
import gcoord from "gcoord";

const deg = CesiumMath.toDegrees;
const rad = CesiumMath.toRadians;

function gcjToWgs(lonDeg: number, latDeg: number): [number, number] {
  const [x, y] = gcoord.transform([lonDeg, latDeg], gcoord.GCJ02, gcoord.WGS84);
  return [x, y];
}

export class Gcj02TilingScheme extends WebMercatorTilingScheme {
  /** the uncorrected tiles (Cesium's own methods call each other, so the shifted ones cannot start from `super`) */
  private readonly plain = new WebMercatorTilingScheme();

  override tileXYToRectangle(x: number, y: number, level: number, result?: Rectangle): Rectangle {
    const r = this.plain.tileXYToRectangle(x, y, level);
    const [w, s] = gcjToWgs(deg(r.west), deg(r.south));
    const [e, n] = gcjToWgs(deg(r.east), deg(r.north));
    const out = result ?? new Rectangle();
    out.west = rad(w);
    out.south = rad(s);
    out.east = rad(e);
    out.north = rad(n);
    return out;
  }

  /** Cesium places Web Mercator imagery by the tiles' native (metre) rectangles: they must be the shifted ones too,
   *  or each tile's texture is shifted but clipped to its uncorrected footprint (features cut off ~500 m away). */
  override tileXYToNativeRectangle(x: number, y: number, level: number, result?: Rectangle): Rectangle {
    return this.rectangleToNativeRectangle(this.tileXYToRectangle(x, y, level), result);
  }

  override positionToTileXY(position: Cartographic, level: number, result?: Cartesian2): Cartesian2 {
    const [gx, gy] = gcoord.transform([deg(position.longitude), deg(position.latitude)], gcoord.WGS84, gcoord.GCJ02);
    return this.plain.positionToTileXY(Cartographic.fromDegrees(gx, gy), level, result);
  }
}
