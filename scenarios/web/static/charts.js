// Draw every chart whose Plotly figure is in its data-figure attribute.
(function () {
  "use strict";
  if (typeof Plotly === "undefined") return;
  var config = {responsive: true, displaylogo: false, modeBarButtonsToRemove: ["lasso2d", "select2d"]};
  document.querySelectorAll(".chart[data-figure]").forEach(function (div) {
    var figure = JSON.parse(div.getAttribute("data-figure"));
    Plotly.newPlot(div, figure.data, figure.layout, config);
  });
})();
