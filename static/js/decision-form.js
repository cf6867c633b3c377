// A refusal grants nothing: the amounts are hidden while "Afslag" is chosen (fresh eyes
// round 20: the refusal form still showed the amount asked for as granted). The server
// ignores amounts on a refusal, so without JavaScript the form only says so.
(function () {
  "use strict";
  function update() {
    var fieldset = document.getElementById("decision-amounts");
    var chosen = document.querySelector('input[name="outcome"]:checked');
    if (!fieldset) {
      return;
    }
    fieldset.hidden = Boolean(chosen && chosen.value === "rejected");
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll('input[name="outcome"]').forEach(function (input) {
      input.addEventListener("change", update);
    });
    update();
  });
})();
