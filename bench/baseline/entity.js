/* global Cesium, io */
// Entity API baseline (see index.html). ?data=<dir with sites/datacentres/chargers/sensors.json>
// ?tiles=<tileset.json> adds the app's CIM buildings tileset with the app's style.
// window.__base: { ready (Promise), readyAt, perf: { apply: [t, ms, records][] }, render: [ms][], counts, tileset }
(function () {
  "use strict";
  const params = new URLSearchParams(location.search);
  const dataDir = params.get("data") || "data";
  const LAYERS = ["sites", "datacentres", "chargers", "sensors"];
  // same status palette as the app (ok, warning, fault, offline, unknown)
  const COLORS = ["#2ad4ff", "#ffb020", "#ff4d4f", "#6b7785", "#3a4452"].map((c) => Cesium.Color.fromCssColorString(c));
  const SIZES = { sites: 4, datacentres: 12, chargers: 6, sensors: 5 };
  const perf = { apply: [], render: [] };
  const base = { perf, readyAt: 0, counts: {}, deltas: 0 };
  window.__base = base;
  let resolveReady;
  base.ready = new Promise((r) => (resolveReady = r));

  const viewer = new Cesium.Viewer("c", {
    baseLayer: false, animation: false, timeline: false, baseLayerPicker: false, geocoder: false, homeButton: false,
    sceneModePicker: false, navigationHelpButton: false, fullscreenButton: false, infoBox: false, selectionIndicator: false,
    requestRenderMode: true, maximumRenderTimeChange: Infinity, msaaSamples: 1, skyBox: false, skyAtmosphere: false,
  });
  base.viewer = viewer;
  const scene = viewer.scene;
  scene.globe.baseColor = Cesium.Color.fromCssColorString("#04101f");
  // ?fxaa=1: the anti-aliasing the app uses when MSAA is off (the bench's `msaa=1`)
  scene.postProcessStages.fxaa.enabled = params.get("fxaa") === "1";
  scene.camera.setView({ destination: Cesium.Cartesian3.fromDegrees(119.22, 25.98, 240000) });
  let rs = 0;
  scene.preUpdate.addEventListener(() => (rs = performance.now()));
  scene.postRender.addEventListener(() => perf.render.push(performance.now() - rs));

  // ?tiles=<tileset.json>: the same CIM tileset, options and style as the app (src/scene/buildings.ts), so a
  // "buildings on" comparison draws and picks the same buildings on both pages
  const tilesUrl = params.get("tiles");
  if (tilesUrl) {
    Cesium.Cesium3DTileset.fromUrl(`/${tilesUrl.replace(/^\/+/, "")}`, { maximumScreenSpaceError: 8 }).then((ts) => {
      ts.style = new Cesium.Cesium3DTileStyle({
        color: {
          conditions: [
            ["${usage} === 'datacentre'", "color('#7cf3c8', 0.95)"],
            ["${heightM} >= 100", "color('#9beeff', 0.95)"],
            ["${heightM} >= 50", "color('#5cc8f5', 0.92)"],
            ["${heightM} >= 20", "color('#3aa0e0', 0.9)"],
            ["true", "color('#2c7fc4', 0.88)"],
          ],
        },
      });
      ts.colorBlendMode = Cesium.Cesium3DTileColorBlendMode.MIX;
      ts.colorBlendAmount = 0.75;
      scene.primitives.add(ts);
      base.tileset = ts;
      scene.requestRender();
    }, (e) => (base.error = `tileset ${tilesUrl}: ${e && e.message}`));
  }

  const entities = {};
  async function load() {
    for (const l of LAYERS) {
      const res = await fetch(`/${dataDir.replace(/^\/+/, "")}/${l}.json`);
      if (!res.ok) throw new Error(`${dataDir}/${l}.json: HTTP ${res.status}`);
      const file = await res.json();
      const list = [];
      viewer.entities.suspendEvents();
      for (const it of file.items) {
        list.push(viewer.entities.add({
          position: Cesium.Cartesian3.fromDegrees(it.lon, it.lat, 0),
          point: { pixelSize: SIZES[l], color: COLORS[4], outlineColor: Cesium.Color.fromCssColorString("#04101f"), outlineWidth: 1, disableDepthTestDistance: Number.POSITIVE_INFINITY },
        }));
      }
      viewer.entities.resumeEvents();
      entities[l] = list;
      base.counts[l] = list.length;
    }
  }

  function connect() {
    const socket = io(location.origin, { transports: ["websocket"] });
    base.socket = socket;
    const pending = new Set(LAYERS);
    socket.on("hello", () => socket.emit("subscribe", { v: 1, layers: LAYERS }));
    socket.on("snapshot", (s) => {
      const list = entities[s.layer];
      for (let i = 0; i < list.length; i++) list[i].point.color = COLORS[s.status[i]] || COLORS[4];
      scene.requestRender();
      pending.delete(s.layer);
      if (!pending.size && !base.readyAt) {
        // all layers drawn: the next rendered frame shows every entity with its status colour
        const off = scene.postRender.addEventListener(() => {
          off();
          base.readyAt = performance.now();
          resolveReady();
        });
        scene.requestRender();
      }
    });
    socket.on("delta", (d) => {
      const t0 = performance.now();
      const list = entities[d.layer];
      for (let r = 0; r < d.idx.length; r++) {
        const e = list[d.idx[r]];
        if (e) e.point.color = COLORS[d.status[r]] || COLORS[4];
      }
      scene.requestRender();
      base.deltas++;
      perf.apply.push([performance.now(), performance.now() - t0, d.idx.length]);
    });
  }

  load().then(connect).catch((e) => {
    base.error = String(e && e.message || e);
    console.error(e);
  });
})();
