// Tells the embedding page how tall the widget is: {type: "footprint:height", height} (pixels), on load and on
// every resize. It carries nothing else, so any parent may read it; the snippets accept it only from this origin.
(function () {
  function send() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (window.parent !== window) window.parent.postMessage({ type: "footprint:height", height: height }, "*");
  }
  addEventListener("load", send);
  if (window.ResizeObserver) new ResizeObserver(send).observe(document.documentElement);
})();
