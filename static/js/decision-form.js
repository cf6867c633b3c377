// A refusal grants nothing: the amounts and the grant's other conditions are hidden while
// "Afslag" is chosen (fresh eyes rounds 20 and 21: the refusal form still showed the amount
// asked for as granted, and took conditions). The server ignores amounts on a refusal and
// refuses conditions, so without JavaScript the form only says so.
(function () {
  "use strict";
  function update() {
    var chosen = document.querySelector('input[name="outcome"]:checked');
    var refused = Boolean(chosen && chosen.value === "rejected");
    ["decision-amounts", "decision-conditions"].forEach(function (id) {
      var part = document.getElementById(id);
      if (part) {
        part.hidden = refused;
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll('input[name="outcome"]').forEach(function (input) {
      input.addEventListener("change", update);
    });
    update();
  });
})();
