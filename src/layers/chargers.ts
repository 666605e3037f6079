/** EV charging: 100 solar+storage super-charging stations (large, labelled when close) and ~1,500 ordinary stations. */
import { districtLabel, t } from "../ui/i18n";
import { Color, type Scene } from "cesium";
import type { Charger } from "../protocol/data";
import { STATUS_CSS } from "../ui/theme";
import { PointLayer } from "./point-layer";

const SUPER = Color.fromCssColorString("#4ade80");
const ORDINARY = Color.fromCssColorString("#22b8a6");

export function createChargersLayer(scene: Scene, items: readonly Charger[]): PointLayer<Charger> {
  return new PointLayer(scene, {
    id: "chargers",
    titleKey: "layer.chargers",
    items,
    nameOf: (c) => c.name,
    height: () => 30,
    baseColor: (c) => (c.kind === "super" ? SUPER : ORDINARY),
    pixelSize: (c) => (c.kind === "super" ? 9 : 4),
    fields: (c) => [
      ["field.id", c.id],
      ["field.name", c.name],
      ["field.kind", t(`chargerKind.${c.kind}`)],
      ["field.district", districtLabel(c.district)],
      ["field.connectors", c.connectors],
      ["field.connectorKw", c.connectorKw],
      ["field.solarKwp", c.solarKwp],
      ["field.storageKwh", c.storageKwh],
    ],
    legend: [
      { key: "legend.super", color: "#4ade80", shape: "ring" },
      { key: "legend.ordinary", color: "#22b8a6", shape: "dot" },
      { key: "legend.warn", color: STATUS_CSS[1], shape: "dot" },
      { key: "legend.fault", color: STATUS_CSS[2], shape: "dot" },
      { key: "legend.offline", color: STATUS_CSS[3], shape: "dot" },
    ],
  });
}
