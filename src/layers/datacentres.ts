/** Data centres: a dozen large labelled markers, coloured by live PUE / status. */
import { districtLabel, t, uiLang } from "../ui/i18n";
import { Color, NearFarScalar, type Scene } from "cesium";
import type { DataCentre } from "../protocol/data";
import { STATUS_CSS } from "../ui/theme";
import { PointLayer } from "./point-layer";

const NORMAL = Color.fromCssColorString("#7cf3c8");

export function createDataCentresLayer(scene: Scene, items: readonly DataCentre[]): PointLayer<DataCentre> {
  return new PointLayer(scene, {
    id: "datacentres",
    titleKey: "layer.datacentres",
    items,
    nameOf: (d, lang) => (lang === "zh" ? d.name : d.nameEn),
    height: () => 80,
    baseColor: () => NORMAL,
    pixelSize: () => 14,
    labelled: () => true,
    // the park holds most centres within a kilometre: name them only when the camera is close enough to separate them
    labelRange: (d) => (d.inPark ? 5000 : 60000),
    scaleByDistance: new NearFarScalar(2000, 1.3, 250000, 0.8),
    fields: (d) => [
      ["field.id", d.id],
      ["field.name", uiLang.getState().lang === "zh" ? d.name : d.nameEn],
      ["field.kind", t(`dcKind.${d.kind}`)],
      ["field.district", districtLabel(d.district)],
      ["field.inPark", d.inPark],
      ["field.racks", d.racks],
      ["field.itCapacityMw", d.itCapacityMw],
      ["field.designPue", d.designPue],
      ["field.pflops", d.pflops],
    ],
    legend: [
      { key: "legend.ok", color: "#7cf3c8", shape: "dot" },
      { key: "legend.warn", color: STATUS_CSS[1], shape: "dot" },
      { key: "legend.fault", color: STATUS_CSS[2], shape: "dot" },
    ],
  });
}
