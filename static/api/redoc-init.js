"use strict";

// Start ReDoc with the page's settings. ReDoc inserts its styles as <style>
// elements; given this script's nonce, it marks them so the CSP lets them apply.
(() => {
  const container = document.getElementById("redoc-container");
  const options = { ...JSON.parse(container.dataset.settings), nonce: document.currentScript.nonce };
  Redoc.init(container.dataset.schemaUrl, options, container);
})();
