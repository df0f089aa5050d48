// Progressive enhancement only: every page reads fully without this file.
(function () {
  "use strict";
  // Print buttons are hidden in the HTML because they need script; show and wire them here.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
