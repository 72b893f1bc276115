// Starts the web app (the page's Content-Security-Policy allows no inline script).
import init from "/static/footprint_web.js";
init({ module_or_path: "/static/footprint_web_bg.wasm" });
