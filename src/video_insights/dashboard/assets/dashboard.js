/* Draws every chart of the page from its JSON spec with the local plotly.min.js (no CDN).
   window.dashboardReady resolves once every chart is drawn (the browser tests wait on it). */
(function () {
  "use strict";
  var config = {
    displaylogo: false,
    responsive: true,
    modeBarButtonsToRemove: ["sendDataToCloud", "lasso2d", "select2d"]
  };
  function draw() {
    var charts = Array.prototype.slice.call(document.querySelectorAll("div.chart[data-figure]"));
    var drawn = charts.map(function (div) {
      var spec = JSON.parse(document.getElementById(div.dataset.figure).textContent);
      return window.Plotly.newPlot(div, spec.data, spec.layout, config).then(function () {
        div.dataset.drawn = "true";
      });
    });
    return Promise.all(drawn).then(function () {
      document.body.dataset.chartsDrawn = String(charts.length);
      return charts.length;
    });
  }
  window.dashboardReady = document.readyState === "loading"
    ? new Promise(function (resolve) {
        document.addEventListener("DOMContentLoaded", function () { resolve(draw()); });
      })
    : draw();
})();
