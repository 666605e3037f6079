/** 5G base stations: ~30,000 points coloured by live load and status. */
import { Color, NearFarScalar, type Scene } from "cesium";
import type { Site } from "../protocol/data";
import { STATUS_CSS } from "../ui/theme";
import { PointLayer } from "./point-layer";
import { districtLabel, t } from "../ui/i18n";

const NORMAL = Color.fromCssColorString("#2ad4ff");
const BUSY = Color.fromCssColorString("#8dffc6");

export function createSitesLayer(scene: Scene, items: readonly Site[]): PointLayer<Site> {
  return new PointLayer(scene, {
    id: "sites",
    titleKey: "layer.sites",
    items,
    nameOf: (s) => s.name,
    height: (s) => s.heightM,
    baseColor: () => NORMAL,
    // small cells and indoor systems are drawn smaller than macro sites (their own legend entry)
    pixelSize: (s) => ((s.cellClass ?? "macro") === "macro" ? 4 : 2.5),
    // 30,000 dots: a fine haze from afar, distinct points close up
    scaleByDistance: new NearFarScalar(500, 1.3, 40000, 0.5),
    okColor: (_s, i, live) => ((live.metric("sites", "load", i) ?? 0) >= 0.85 ? BUSY : NORMAL),
    fields: (s) => [
      ["field.id", s.id],
      ["field.name", s.name],
      [
        "field.operator",
        s.sharedWith
          ? `${t(`operator.${s.operator}`)} + ${t(`operator.${s.sharedWith}`)}`
          : t(`operator.${s.operator}`),
      ],
      ["field.cellClass", t(`cellClass.${s.cellClass ?? "macro"}`)],
      ["field.band", s.band],
      ["field.district", districtLabel(s.district)],
      ["field.heightM", s.heightM],
      ["field.azimuths", s.azimuths],
      ["field.tiltDeg", s.tiltDeg],
      ["field.txPowerDbm", s.txPowerDbm],
      ["field.commissioned", s.commissioned],
    ],
    legend: [
      { key: "legend.ok", color: "#2ad4ff", shape: "dot" },
      { key: "legend.busy", color: "#8dffc6", shape: "dot" },
      { key: "legend.warn", color: STATUS_CSS[1], shape: "dot" },
      { key: "legend.fault", color: STATUS_CSS[2], shape: "dot" },
      { key: "legend.offline", color: STATUS_CSS[3], shape: "dot" },
      { key: "legend.smallCell", color: "#2ad4ff", shape: "ring" },
    ],
  });
}
