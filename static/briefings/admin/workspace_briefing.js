/*
 * "Add claims to a briefing" in the article workspace: select all, show the
 * new briefing's fields only when "New briefing" is chosen, and send the form
 * without leaving the page (it also works as a plain form post).
 */
"use strict";
(function () {
  const form = document.getElementById("to-briefing");
  if (!form) {
    return;
  }
  const all = form.querySelector('input[name="all"]');
  const choice = form.querySelector('select[name="briefing"]');
  const status = form.querySelector(".to-briefing-status");
  const boxes = () => document.querySelectorAll('input.claim-pick[form="to-briefing"]');

  function showNewFields() {
    form.querySelectorAll("[data-new-only]").forEach((field) => {
      field.hidden = choice.value !== "new";
    });
  }
  choice.addEventListener("change", showNewFields);
  showNewFields();

  all.addEventListener("change", () => {
    boxes().forEach((box) => {
      box.checked = all.checked;
    });
  });
  // A claim unticked after "select all" is left out: "all" no longer holds.
  document.addEventListener("change", (event) => {
    if (event.target.matches && event.target.matches("input.claim-pick")) {
      all.checked = Array.from(boxes()).every((box) => box.checked);
    }
  });

  function showErrors(errors) {
    form.querySelectorAll(".errorlist.to-briefing-errors").forEach((list) => list.remove());
    Object.entries(errors || {}).forEach(([name, messages]) => {
      const list = document.createElement("ul");
      list.className = "errorlist to-briefing-errors";
      messages.forEach((text) => {
        const item = document.createElement("li");
        item.textContent = text;
        list.appendChild(item);
      });
      const field = form.querySelector(".field-" + name);
      if (field) {
        field.appendChild(list);
      } else {
        form.querySelector(".to-briefing-actions").before(list);
      }
    });
  }

  // The server's message is HTML it escaped, with a link to the briefing.
  function showMessage(html) {
    status.replaceChildren();
    const parsed = new DOMParser().parseFromString(html, "text/html");
    status.append(...parsed.body.childNodes);
  }

  // The briefing's option, with the version the server now has, chosen for the next add.
  function keepChoice(briefing) {
    let option = Array.from(choice.options).find(
      (o) => o.value.split("-v")[0] === briefing.value.split("-v")[0]
    );
    if (!option) {
      option = new Option(briefing.text, briefing.value);
      choice.add(option, 1);
    }
    option.value = briefing.value;
    option.textContent = briefing.text;
    choice.value = briefing.value;
    showNewFields();
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    status.textContent = "Adding…";
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      const answer = await response.json();
      if (!response.ok) {
        status.textContent = "Not added: see what is marked.";
        showErrors(answer.errors);
        return;
      }
      showErrors({});
      showMessage(answer.message);
      keepChoice(answer.briefing);
      all.checked = false;
      boxes().forEach((box) => {
        box.checked = false;
      });
    } catch (error) {
      status.textContent = "Not added: the server could not be reached. Try again.";
    } finally {
      button.disabled = false;
    }
  });
})();
