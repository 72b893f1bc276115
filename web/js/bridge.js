// The one hand-written bridge between the Rust app and MapLibre GL JS. It owns the map object and nothing else:
// state, filtering, styles and the DOM are Rust's (web/src). Everything it loads comes from the page's own server.
import * as maplibregl from "/static/maplibre-gl.mjs";

let map = null;

export function createMap(container, styleUrl, lon, lat, zoom, sources, layers, onReady, onClick, onMove) {
  maplibregl.setWorkerUrl("/static/maplibre-gl-worker.mjs");
  maplibregl.setRTLTextPlugin("/static/mapbox-gl-rtl-text.js", true);
  map = new maplibregl.Map({
    container,
    style: styleUrl,
    center: [lon, lat],
    zoom,
    attributionControl: { compact: true },
    fadeDuration: 0,
  });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
  map.on("load", () => {
    for (const [id, source] of Object.entries(JSON.parse(sources))) map.addSource(id, source);
    const ids = [];
    for (const layer of JSON.parse(layers)) {
      map.addLayer(layer);
      ids.push(layer.id);
    }
    map.on("click", (e) => {
      const hit = map.queryRenderedFeatures(e.point, { layers: ids.filter((id) => map.getLayer(id)) })[0];
      if (!hit) return;
      if (hit.properties.cluster) {
        map.getSource(hit.source).getClusterExpansionZoom(hit.properties.cluster_id).then((z) => {
          map.easeTo({ center: hit.geometry.coordinates, zoom: z });
        });
        return;
      }
      onClick(hit.source.replace("fp-", ""), hit.properties.i);
    });
    for (const id of ids) {
      map.on("mouseenter", id, () => (map.getCanvas().style.cursor = "pointer"));
      map.on("mouseleave", id, () => (map.getCanvas().style.cursor = ""));
    }
    map.on("moveend", () => {
      const c = map.getCenter();
      onMove(c.lng, c.lat, map.getZoom());
    });
    onReady();
  });
  window.__footprintMap = map; // for the end-to-end tests
}

export function setData(source, geojson) {
  map?.getSource(source)?.setData(JSON.parse(geojson));
}

export function setVisible(layerIds, visible) {
  for (const id of layerIds.split(",")) map?.setLayoutProperty(id, "visibility", visible ? "visible" : "none");
}

export function setPaint(layer, property, value) {
  map?.setPaintProperty(layer, property, value);
}

export function fitBounds(west, south, east, north) {
  map?.fitBounds([[west, south], [east, north]], { padding: 20, animate: false });
}

export function jumpTo(lon, lat, zoom, animate) {
  if (animate) map?.easeTo({ center: [lon, lat], zoom });
  else map?.jumpTo({ center: [lon, lat], zoom });
}
