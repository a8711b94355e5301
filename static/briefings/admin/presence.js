/*
 * Edit presence on an admin change page: ping the server while the page is
 * open, so others opening the object are told who is editing it, show who
 * else is editing now, and say goodbye when the page goes away. A presence
 * that is not refreshed expires on the server (a closed laptop, a lost network).
 */
"use strict";
(function () {
  const holder = document.querySelector(".edit-presence[data-url]");
  if (!holder) {
    return;
  }
  const url = holder.dataset.url;
  const every = Number(holder.dataset.seconds) * 1000;
  const token = document.querySelector("[name=csrfmiddlewaretoken]").value;
  let timer = null;

  function payload(action) {
    const data = new FormData();
    data.append("csrfmiddlewaretoken", token);
    data.append("action", action);
    return data;
  }

  function show(others) {
    holder.hidden = others.length === 0;
    holder.firstElementChild.textContent = others.length
      ? `Also editing now: ${others.join(", ")}. Saves are checked, so no one's work is overwritten.`
      : "";
  }

  async function ping() {
    try {
      const response = await fetch(url, {
        method: "POST",
        body: payload("ping"),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (response.ok) {
        show((await response.json()).others);
      }
    } catch {
      // Offline for a moment: the presence lapses, which only costs a warning.
    }
  }

  function start() {
    timer = window.setInterval(ping, every);
  }

  window.addEventListener("pagehide", function () {
    window.clearInterval(timer);
    navigator.sendBeacon(url, payload("leave"));
  });
  // Back to a page kept in the back/forward cache: announce it again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      ping();
      start();
    }
  });
  start();
})();
