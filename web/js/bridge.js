// The one hand-written bridge between the Rust app and MapLibre GL JS. It owns the map object and nothing else:
// state, filtering, styles and the DOM are Rust's (web/src). Everything it loads comes from the page's own server.
import * as maplibregl from "/static/maplibre-gl.mjs";

let map = null;

const reducedMotion = () => window.matchMedia("(prefers-reduced-motion: reduce)").matches;

export function createMap(container, styleUrl, lon, lat, zoom, sources, layers, onReady, onClick, onMove, onFail, locale,
  onRefused) {
  maplibregl.setWorkerUrl("/static/maplibre-gl-worker.mjs");
  maplibregl.setRTLTextPlugin("/static/mapbox-gl-rtl-text.js", true);
  try {
    map = new maplibregl.Map({
      container,
      style: styleUrl,
      center: [lon, lat],
      zoom,
      attributionControl: { compact: true },
      fadeDuration: 0,
      locale: JSON.parse(locale), // the controls' labels in the page's language
    });
  } catch (e) {
    map = null; // no WebGL: the app shows its text view instead
    onFail(String(e && e.message ? e.message : e));
    return;
  }
  // Mirrored for right-to-left pages, like the rest of the layout.
  const rtl = document.documentElement.dir === "rtl";
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), rtl ? "top-left" : "top-right");
  map.on("load", () => {
    for (const [id, source] of Object.entries(JSON.parse(sources))) {
      if (source.tiles) source.tiles = source.tiles.map(absolute);
      map.addSource(id, source);
    }
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
          const camera = { center: hit.geometry.coordinates, zoom: z };
          if (reducedMotion()) map.jumpTo(camera);
          else map.easeTo(camera);
        });
        return;
      }
      // A whole layer's feature is known by its position; a tiled layer's by the area clicked (a few pixels
      // around the point), in which the app asks the API for it.
      const [x, y] = [e.point.x, e.point.y];
      const sw = map.unproject([x - 6, y + 6]);
      const ne = map.unproject([x + 6, y - 6]);
      // The area goes with the clicked feature's days (a tiled feature carries them), which narrow the request.
      const area = { bbox: [sw.lng, sw.lat, ne.lng, ne.lat], days: [hit.properties.start_day ?? null, hit.properties.end_day ?? null] };
      onClick(hit.source.replace("fp-", ""), hit.properties.i ?? -1, e.lngLat.lng, e.lngLat.lat, JSON.stringify(area));
    });
    // A tile the server refuses (it would hold too many features) is reported once per source and view.
    map.on("error", (e) => {
      if (e.sourceId && e.sourceId.startsWith("fp-") && e.error && e.error.status === 400) onRefused(e.sourceId.replace("fp-", ""));
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

// Tile URL templates are made absolute by hand: `new URL` would escape their `{z}/{x}/{y}`.
const absolute = (url) => (url.startsWith("/") ? window.location.origin + url : url);

export function setTiles(source, url) {
  map?.getSource(source)?.setTiles([absolute(url)]);
}

// A tiled layer's style filter: global-state values its layers' filters read.
export function setFilterState(values) {
  if (!map) return;
  for (const [name, value] of Object.entries(JSON.parse(values))) map.setGlobalStateProperty(name, value);
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
  if (animate && !reducedMotion()) map?.easeTo({ center: [lon, lat], zoom });
  else map?.jumpTo({ center: [lon, lat], zoom });
}

// The editor's map: one point to place by clicking, dragging the marker, or typing coordinates (the editor sets
// the marker). `onPick(lon, lat)` reports a point chosen on the map.
let marker = null;

export function createPicker(container, styleUrl, lon, lat, zoom, onPick, onFail, locale) {
  maplibregl.setWorkerUrl("/static/maplibre-gl-worker.mjs");
  maplibregl.setRTLTextPlugin("/static/mapbox-gl-rtl-text.js", true);
  try {
    map = new maplibregl.Map({ container, style: styleUrl, center: [lon, lat], zoom, fadeDuration: 0,
      attributionControl: { compact: true }, locale: JSON.parse(locale) });
  } catch (e) {
    map = null;
    onFail(String(e && e.message ? e.message : e));
    return;
  }
  const rtl = document.documentElement.dir === "rtl";
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), rtl ? "top-left" : "top-right");
  marker = new maplibregl.Marker({ draggable: true, color: "#b3261e" });
  marker.on("dragend", () => {
    const p = marker.getLngLat();
    onPick(p.lng, p.lat);
  });
  map.on("click", (e) => onPick(e.lngLat.lng, e.lngLat.lat));
  window.__footprintMap = map; // for the end-to-end tests
}

export function setMarker(lon, lat, show) {
  if (!map || !marker) return;
  if (!show) {
    marker.remove();
    return;
  }
  marker.setLngLat([lon, lat]).addTo(map);
  if (!map.getBounds().contains([lon, lat])) map.jumpTo({ center: [lon, lat] });
}
