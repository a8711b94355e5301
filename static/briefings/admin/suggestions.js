/*
 * Suggested claims in the workspace: one checkbox selects or clears them all.
 */
"use strict";
(function () {
  const all = document.querySelector('[data-action="select-all-suggestions"]');
  if (!all) {
    return;
  }
  const boxes = () => document.querySelectorAll('.suggestion-pick input[type="checkbox"]');
  all.addEventListener("change", () => {
    boxes().forEach((box) => {
      box.checked = all.checked;
    });
  });
})();
