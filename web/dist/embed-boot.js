// Starts the embed light. The page first paints the static image of its state with the timeline; the live map
// (MapLibre, its stylesheet and the app's WebAssembly, which keep the state in the URL) loads once, when the reader
// clicks in the widget, presses a key or moves the focus into it, or when it has been on screen for a moment.
// Scrolling past it is not asking for it (no wheel, touch or pointer-down): a reader who asked for reduced data
// (Save-Data, sent by the browser or set in it) keeps the image until they click or use the keyboard.
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
  import("/static/main.js").catch(() => {
    // The reader may ask again (the button stays until the live map has drawn).
    live = false;
    status.textContent = "";
    document.body.classList.remove("going-live");
  });
}

for (const type of ["click", "keydown", "focusin"]) {
  document.addEventListener(type, goLive, { capture: true, passive: true });
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
