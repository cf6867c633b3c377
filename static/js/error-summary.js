// Move focus to the error summary when a form comes back with errors (as gov.uk and the
// Danish design system do), so screen readers announce it. Without JavaScript the summary is
// still the first thing in the page's content.
(function () {
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) {
    return;
  }
  summary.focus();
  // A link in the summary focuses its field and scrolls its label into view.
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) {
      return;
    }
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) {
      return;
    }
    event.preventDefault();
    var label = document.querySelector("label[for='" + field.id + "']");
    (label || field).scrollIntoView();
    field.focus({ preventScroll: true });
  });
})();
