/**
 * Traffic sensors (loop detectors, video cameras, the 15 AI video-analytics cameras) on the major roads, which are
 * drawn as thin lines; sensors are coloured by live congestion level.
 */
import { districtLabel, t } from "../ui/i18n";
import { Cartesian3, Color, Material, PolylineCollection, type Scene } from "cesium";
import type { Road, Sensor } from "../protocol/data";
import { STATUS_CSS } from "../ui/theme";
import { PointLayer } from "./point-layer";
import type { LiveView } from "./types";

const FREE = Color.fromCssColorString("#22d3a6");
const SLOW = Color.fromCssColorString("#ffd166");
const JAM = Color.fromCssColorString("#ff7a45");
const AI = Color.fromCssColorString("#c084fc");
const DETECTOR = Color.fromCssColorString("#60a5fa");

export class SensorsLayer extends PointLayer<Sensor> {
  private readonly roads = new PolylineCollection();

  constructor(
    private readonly sceneRef: Scene,
    items: readonly Sensor[],
    roads: readonly Road[],
  ) {
    super(sceneRef, {
      id: "sensors",
      titleKey: "layer.sensors",
      items,
      nameOf: (s) => s.name,
      height: () => 15,
      baseColor: (s) => (s.kind === "ai-video" ? AI : DETECTOR),
      pixelSize: (s) => (s.kind === "ai-video" ? 9 : 4),
      okColor: (s, i, live: LiveView) => {
        const c = live.metric("sensors", "congestion", i);
        if (c === undefined) return s.kind === "ai-video" ? AI : DETECTOR;
        return c >= 3 ? JAM : c >= 2 ? SLOW : FREE;
      },
      fields: (s) => [
        ["field.id", s.id],
        ["field.name", s.name],
        ["field.kind", t(`sensorKind.${s.kind}`)],
        ["field.road", s.road],
        ["field.chainageM", Math.round(s.chainageM)],
        ["field.district", districtLabel(s.district)],
      ],
      legend: [
        { key: "legend.aiVideo", color: "#c084fc", shape: "ring" },
        { key: "legend.loop", color: "#60a5fa", shape: "dot" },
        { key: "legend.free", color: "#22d3a6", shape: "dot" },
        { key: "legend.slow", color: "#ffd166", shape: "dot" },
        { key: "legend.jam", color: "#ff7a45", shape: "dot" },
        { key: "legend.offline", color: STATUS_CSS[3], shape: "dot" },
      ],
    });
    // one Material per polyline: PolylineCollection destroys each polyline's material, so a shared one is destroyed
    // twice and the second destroy throws (which aborted the whole scene teardown on rebuild)
    const roadColor = Color.fromCssColorString("#3a7bd5").withAlpha(0.55);
    const road = () => Material.fromType("Color", { color: roadColor });
    for (const r of roads) {
      this.roads.add({
        positions: r.path.map(([lo, la]) => Cartesian3.fromDegrees(lo, la, 10)),
        width: r.class === "arterial" ? 1.5 : 2.5,
        material: road(),
      } as never);
    }
    sceneRef.primitives.add(this.roads);
  }

  decorations(): readonly { show: boolean }[] {
    return [this.roads];
  }

  override setVisible(v: boolean): void {
    this.roads.show = v;
    super.setVisible(v);
  }

  override destroy(): void {
    this.sceneRef.primitives.remove(this.roads);
    super.destroy();
  }
}
