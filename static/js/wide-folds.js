// The lists' filters and the catalogue's distribution fold away on a phone (a <details>) and
// are always shown on a wide screen (portal.css). Shown by CSS alone, a closed <details> was
// still announced as "collapsed" and its heading was a tab stop that did nothing (fresh eyes,
// session 33): on a wide screen it is opened for real and its summary leaves the tab order;
// on a narrow one it is as the page was sent.
(function () {
  "use strict";
  var wide = window.matchMedia("(min-width: 992px)");
  var folds = Array.prototype.slice.call(document.querySelectorAll("details.catalogue-filters"));
  var sent = folds.map(function (fold) { return fold.open; });
  function fit() {
    folds.forEach(function (fold, i) {
      var summary = fold.querySelector(":scope > summary");
      if (wide.matches) {
        fold.open = true;
        if (summary) summary.setAttribute("tabindex", "-1");
      } else {
        fold.open = sent[i];
        if (summary) summary.removeAttribute("tabindex");
      }
    });
  }
  fit();
  if (wide.addEventListener) wide.addEventListener("change", fit);
})();
