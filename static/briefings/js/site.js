/*
 * Small enhancements; every page works without them.
 * - A highlighted claim in an article opens that claim's card in place when
 *   the page has one, instead of leaving for the claim's own page.
 * - A #claim-N address opens that card.
 * - Printing opens every card, so the evidence is on paper.
 */
(function () {
  "use strict";

  function openCard(id, scroll) {
    var card = document.getElementById("claim-" + id);
    if (!card || card.tagName !== "DETAILS") {
      return false;
    }
    card.open = true;
    if (scroll) {
      card.scrollIntoView({ block: "start" });
      var summary = card.querySelector("summary");
      if (summary) {
        summary.focus({ preventScroll: true });
      }
    }
    return true;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-claim]");
    if (!link || event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) {
      return;
    }
    if (openCard(link.getAttribute("data-claim"), true)) {
      event.preventDefault();
      history.replaceState(null, "", "#claim-" + link.getAttribute("data-claim"));
    }
  });

  function openFromHash() {
    var match = /^#claim-(\d+)$/.exec(window.location.hash);
    if (match) {
      openCard(match[1], true);
    }
  }
  window.addEventListener("hashchange", openFromHash);
  openFromHash();

  var closedForPrint = [];
  window.addEventListener("beforeprint", function () {
    closedForPrint = Array.prototype.filter.call(document.querySelectorAll("details"), function (d) {
      return !d.open;
    });
    closedForPrint.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    closedForPrint.forEach(function (d) { d.open = false; });
    closedForPrint = [];
  });
})();
