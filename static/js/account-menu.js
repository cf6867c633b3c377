// The account menu is a <details> that works without JavaScript; with it, the menu also
// closes on a click elsewhere and on Escape, as a drop-down is expected to.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.portal-account[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details.portal-account[open]").forEach(function (menu) {
      menu.removeAttribute("open");
      menu.querySelector("summary").focus();
    });
  });
})();
