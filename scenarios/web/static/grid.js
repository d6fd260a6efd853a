// Click a cell marked with a breach: highlight its breaches in the list and scroll to them.
(function () {
  "use strict";
  var list = document.getElementById("violations");
  if (!list) return;
  document.querySelectorAll(".rota-grid td.violation").forEach(function (cell) {
    cell.style.cursor = "pointer";
    cell.addEventListener("click", function () {
      var line = cell.getAttribute("data-line"), day = cell.getAttribute("data-day");
      var first = null;
      list.querySelectorAll("tr[data-line]").forEach(function (row) {
        var hit = row.getAttribute("data-line") === line && row.getAttribute("data-day") === day;
        row.classList.toggle("picked", hit);
        if (hit && !first) first = row;
      });
      if (first) first.scrollIntoView({behavior: "smooth", block: "center"});
    });
  });
})();
