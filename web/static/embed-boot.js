// Starts the embed light. The page first paints the static image of its state with the timeline; the live map
// (MapLibre, its stylesheet and the app's WebAssembly, which keep the state in the URL) loads once, when the reader
// interacts with the widget or it has been on screen for a moment. A reader who asked for reduced data (Save-Data,
// sent by the browser or set in it) keeps the image until they interact.
const ON_SCREEN_MS = 1500;
let live = false;

function goLive() {
  if (live) return;
  live = true;
  const status = document.getElementById("status");
  status.textContent = status.dataset.loading;
  document.body.classList.add("going-live");
  const css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = "/static/maplibre-gl.css";
  document.head.append(css);
  import("/static/main.js");
}

for (const type of ["pointerdown", "keydown", "focusin", "wheel", "touchstart"]) {
  document.addEventListener(type, goLive, { capture: true, once: true, passive: true });
}

const saveData = document.body.dataset.saveData === "on" || navigator.connection?.saveData === true;
if (!saveData && "IntersectionObserver" in window) {
  let timer;
  new IntersectionObserver(
    (entries) => {
      clearTimeout(timer);
      if (entries.some((e) => e.isIntersecting)) timer = setTimeout(goLive, ON_SCREEN_MS);
    },
    { threshold: 0.5 },
  ).observe(document.getElementById("map"));
}
