/*
 * A briefing's key claims in the admin: one hidden field holds the ordered
 * rows ({claim, comment} as JSON); this script keeps it in step with the list.
 * Rows move by drag and drop, or from the keyboard: focus a row's handle and
 * press the up or down arrow (Home and End for the top and bottom).
 */
"use strict";
(function () {
  function setUp(root) {
    const input = root.querySelector('input[type="hidden"]');
    const list = root.querySelector(".key-claims-list");
    const status = root.querySelector(".key-claims-status");
    const add = root.querySelector(".key-claims-add");
    let dragged = null;

    function rows() {
      return Array.from(list.children);
    }

    // Write the list's order and notes to the field the form posts.
    function sync() {
      const items = rows();
      input.value = JSON.stringify(
        items.map((item) => ({
          claim: Number(item.dataset.claim),
          comment: item.querySelector("textarea").value,
        })),
      );
      items.forEach((item, index) => {
        item.querySelector(".key-claim-position").textContent = index + 1;
      });
      root.querySelector("[data-count]").textContent = items.length;
    }

    function announce(item) {
      const position = rows().indexOf(item) + 1;
      status.textContent = `Key claim #${item.dataset.claim} is now ${position} of ${rows().length}.`;
    }

    // Move item to index (0-based) and keep the keyboard on its handle.
    function moveTo(item, index) {
      const others = rows().filter((other) => other !== item);
      const target = Math.max(0, Math.min(index, others.length));
      list.insertBefore(item, others[target] || null);
      sync();
      announce(item);
      item.querySelector(".key-claim-handle").focus();
    }

    list.addEventListener("keydown", function (event) {
      const handle = event.target.closest(".key-claim-handle");
      if (!handle) {
        return;
      }
      const item = handle.closest(".key-claim");
      const index = rows().indexOf(item);
      const moves = { ArrowUp: index - 1, ArrowDown: index + 1, Home: 0, End: rows().length - 1 };
      if (event.key in moves) {
        event.preventDefault();
        moveTo(item, moves[event.key]);
      }
    });

    list.addEventListener("dragstart", function (event) {
      dragged = event.target.closest(".key-claim");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", dragged.dataset.claim);
      dragged.classList.add("is-dragged");
    });

    list.addEventListener("dragover", function (event) {
      const over = event.target.closest(".key-claim");
      if (!dragged || !over || over === dragged) {
        return;
      }
      event.preventDefault();
      const box = over.getBoundingClientRect();
      const below = event.clientY > box.top + box.height / 2;
      list.insertBefore(dragged, below ? over.nextSibling : over);
    });

    list.addEventListener("drop", (event) => event.preventDefault());

    list.addEventListener("dragend", function () {
      if (dragged) {
        dragged.classList.remove("is-dragged");
        sync();
        announce(dragged);
        dragged = null;
      }
    });

    list.addEventListener("input", sync);

    list.addEventListener("click", function (event) {
      const button = event.target.closest('[data-action="remove"]');
      if (button) {
        const item = button.closest(".key-claim");
        status.textContent = `Removed key claim #${item.dataset.claim}.`;
        item.remove();
        sync();
      }
    });

    // A claim picked in the autocomplete joins the end of the list.
    window.django.jQuery(add).on("select2:select", function (event) {
      const { id, text } = event.params.data;
      window.django.jQuery(add).val(null).trigger("change");
      if (list.querySelector(`[data-claim="${id}"]`)) {
        status.textContent = `Claim #${id} is a key claim already.`;
        return;
      }
      const item = document.createElement("li");
      item.className = "key-claim";
      item.dataset.claim = id;
      item.draggable = true;
      item.innerHTML =
        '<button type="button" class="key-claim-handle">⠿</button> ' +
        '<span class="key-claim-position"></span> <span class="key-claim-text"></span> ' +
        '<label class="key-claim-note">Note for readers <textarea rows="1" cols="40"></textarea></label> ' +
        '<button type="button" class="button" data-action="remove">Remove</button>';
      item.querySelector(".key-claim-handle").setAttribute("aria-label", `Move key claim #${id} (up and down arrow keys)`);
      item.querySelector(".key-claim-text").textContent = `#${id} ${text}`;
      list.append(item);
      sync();
      announce(item);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    for (const root of document.querySelectorAll(".key-claims")) {
      setUp(root);
    }
  });
})();
