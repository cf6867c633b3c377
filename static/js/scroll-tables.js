// On a phone a wide table scrolls inside its own box (portal.css); a box that scrolls must be
// reachable by keyboard too (WCAG 2.1.1), so it gets a tab stop and a name while it overflows.
(function () {
  "use strict";
  function mark() {
    document.querySelectorAll("main table.table").forEach(function (table) {
      if (table.closest(".table-responsive")) {
        return;
      }
      var overflows = table.scrollWidth > table.clientWidth;
      if (overflows && !table.hasAttribute("tabindex")) {
        table.setAttribute("tabindex", "0");
        table.dataset.scrollMarked = "1";
      } else if (!overflows && table.dataset.scrollMarked) {
        table.removeAttribute("tabindex");
        delete table.dataset.scrollMarked;
      }
    });
  }
  document.addEventListener("DOMContentLoaded", mark);
  window.addEventListener("resize", mark);
})();
