// Briefing site script (trusted; see SECURITY.md). Progressive: without it every page reads
// in full; with it, the map page's period filter works.
(function () {
  "use strict";
  document.querySelectorAll("[data-map-filter]").forEach(function (box) {
    var select = box.querySelector("select");
    var root = box.parentElement;
    box.hidden = false;
    select.addEventListener("change", function () {
      var period = select.value;
      root.querySelectorAll("[data-periods]").forEach(function (el) {
        var periods = el.getAttribute("data-periods").split(" ");
        el.classList.toggle("filtered-out", period !== "" && periods.indexOf(period) < 0);
      });
    });
  });
})();
