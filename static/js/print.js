// "Print or save as PDF" buttons appear only with JavaScript; without it the browser's own
// print menu does the same.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.classList.remove("d-none");
  button.addEventListener("click", function () { window.print(); });
});
