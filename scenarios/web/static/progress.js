// Poll a redesign's status and show its stages; reload the page when it ends.
(function () {
  "use strict";
  var box = document.getElementById("progress");
  if (!box) return;
  var url = box.getAttribute("data-status-url");
  var title = document.getElementById("progress-title");
  var fill = document.getElementById("progress-fill");
  var clock = document.getElementById("progress-clock");
  var body = document.querySelector("#stages tbody");

  function fmt(value, unit) {
    if (value === null || value === undefined) return "–";
    if (unit === "GBP") {
      return (value < 0 ? "\u2212£" : "£") + Math.abs(value).toLocaleString("en-GB", {maximumFractionDigits: 0});
    }
    return value.toLocaleString("en-GB", {maximumFractionDigits: 2}) + (unit ? " " + unit : "");
  }

  function cell(text, cls) {
    var td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    return td;
  }

  function show(status) {
    var limit = status.time_limit_s;
    var pct = Math.min(100, 100 * status.elapsed_s / limit);
    fill.style.width = pct.toFixed(1) + "%";
    clock.textContent = status.elapsed_s.toFixed(0) + " s of " + limit.toFixed(0) + " s" +
      (status.neighbourhood ? " · neighbourhood search over doctors and weeks" : "");
    if (status.state === "queued") {
      title.textContent = "Waiting for the search before it to finish…";
    } else if (status.state === "running") {
      var last = status.stages[status.stages.length - 1];
      title.textContent = "Searching: " + (last ? last.title : "building the model") + "…";
    } else {
      title.textContent = status.state === "done" ? "Search finished: loading the result…" : "The search stopped.";
    }
    if (status.stages.length) {
      body.textContent = "";
      status.stages.forEach(function (st, i) {
        var tr = document.createElement("tr");
        if (i === status.stages.length - 1 && status.state === "running") tr.className = "current";
        var best = st.value === null && st.solutions ? "compliant rota found" : fmt(st.value, st.unit);
        tr.appendChild(cell(st.title));
        tr.appendChild(cell(st.started_s.toFixed(1) + " s", "num"));
        tr.appendChild(cell(best, "num"));
        tr.appendChild(cell(fmt(st.bound, st.unit), "num"));
        tr.appendChild(cell(String(st.solutions), "num"));
        body.appendChild(tr);
      });
    }
  }

  function poll() {
    fetch(url, {cache: "no-store"})
      .then(function (r) { return r.json(); })
      .then(function (status) {
        show(status);
        if (status.state === "done" || status.state === "failed") {
          window.location.reload();
        } else {
          window.setTimeout(poll, 700);
        }
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }
  poll();
})();
