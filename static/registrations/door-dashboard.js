/* Door dashboard: draw the bars and refresh the figures in place every few seconds. */
(function () {
  "use strict";
  function drawBars(root) {
    root.querySelectorAll(".bar[data-percent]").forEach(function (bar) {
      bar.style.width = Math.max(2, Number(bar.dataset.percent)) + "%";
    });
  }
  var figures = document.getElementById("figures");
  if (!figures) { return; }
  drawBars(figures);
  var seconds = Number(figures.dataset.refresh) || 15;
  setInterval(async function () {
    try {
      var res = await fetch(window.location.href, { credentials: "same-origin" });
      if (!res.ok) { return; }
      var doc = new DOMParser().parseFromString(await res.text(), "text/html");
      var fresh = doc.getElementById("figures");
      if (fresh) { figures.innerHTML = fresh.innerHTML; drawBars(figures); }
    } catch (e) { /* keep the last figures */ }
  }, seconds * 1000);
})();
