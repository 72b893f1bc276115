// Starts the editor (/edit): the web app built with its editor (the page's Content-Security-Policy allows no inline
// script).
import init from "/static/footprint_editor.js";
init({ module_or_path: "/static/footprint_editor_bg.wasm" });
