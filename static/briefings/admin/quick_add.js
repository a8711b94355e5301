/*
 * "New actor…" and "New source…" beside the annotation form's speaker, about
 * and channel fields: a few inputs open in place, the row is created through
 * the admin's quick-add endpoint and selected in the field, and the claim
 * form keeps what the editor typed.
 */
"use strict";
(function () {
  const script = document.currentScript;
  const form = document.querySelector(".annotator-form");
  if (!form || !script) {
    return;
  }
  const FIELDS = {
    speaker: script.dataset.actorUrl,
    about: script.dataset.actorUrl,
    channel: script.dataset.sourceUrl,
  };
  const token = form.querySelector("[name=csrfmiddlewaretoken]").value;
  const specs = {}; // url -> the endpoint's description of its fields

  async function describe(url) {
    if (!specs[url]) {
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      specs[url] = response.ok ? await response.json() : null;
    }
    return specs[url];
  }

  function input(spec, id) {
    let element;
    if (spec.choices) {
      element = document.createElement("select");
      spec.choices.forEach(([value, label]) => element.add(new Option(label, value)));
    } else {
      element = document.createElement("input");
      element.type = "text";
    }
    element.name = spec.name;
    element.id = id;
    element.required = spec.required;
    return element;
  }

  function select(field, id, text) {
    const option = new Option(text, id, true, true);
    field.add(option);
    // Select2 (the admin's autocomplete) listens through jQuery.
    window.django.jQuery(field).trigger("change");
  }

  async function open(field, url, panel, button) {
    const spec = await describe(url);
    if (!spec) {
      button.textContent = "You may not add here";
      button.disabled = true;
      return;
    }
    panel.replaceChildren();
    const heading = document.createElement("p");
    heading.className = "quick-add-title";
    heading.textContent = `New ${spec.model}`;
    panel.append(heading);
    const inputs = spec.fields.map((fieldSpec) => {
      const id = `quick-add-${field.name}-${fieldSpec.name}`;
      const row = document.createElement("div");
      row.className = "quick-add-row";
      const label = document.createElement("label");
      label.htmlFor = id;
      label.textContent = fieldSpec.label;
      const element = input(fieldSpec, id);
      const errors = document.createElement("ul");
      errors.className = "errorlist";
      errors.hidden = true;
      row.append(label, element, errors);
      panel.append(row);
      return { element, errors };
    });
    const add = document.createElement("button");
    add.type = "button";
    add.className = "button default";
    add.textContent = `Add ${spec.model}`;
    const cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "button";
    cancel.textContent = "Cancel";
    const status = document.createElement("p");
    status.className = "quick-add-status";
    status.setAttribute("role", "status");
    panel.append(add, cancel, status);
    panel.hidden = false;
    inputs[0].element.focus();
    cancel.addEventListener("click", () => {
      panel.hidden = true;
      button.focus();
    });
    add.addEventListener("click", async () => {
      const data = new FormData();
      inputs.forEach(({ element }) => data.append(element.name, element.value));
      const response = await fetch(url, {
        method: "POST",
        body: data,
        headers: { "X-CSRFToken": token, Accept: "application/json" },
      });
      const answer = await response.json();
      inputs.forEach(({ element, errors }) => {
        const messages = (answer.errors || {})[element.name] || [];
        errors.replaceChildren(...messages.map((text) => Object.assign(document.createElement("li"), { textContent: text })));
        errors.hidden = !messages.length;
      });
      if (response.status === 201) {
        select(field, answer.id, answer.text);
        panel.hidden = true;
        button.focus();
        status.textContent = "";
      } else {
        status.textContent = ((answer.errors || {}).__all__ || ["Please correct the errors above."]).join(" ");
      }
    });
    panel.onkeydown = (event) => {
      if (event.key === "Enter" && event.target.tagName !== "BUTTON") {
        event.preventDefault(); // Enter in the panel adds the row, not the claim
        add.click();
      } else if (event.key === "Escape") {
        event.stopPropagation();
        cancel.click();
      }
    };
  }

  Object.entries(FIELDS).forEach(([name, url]) => {
    const field = form.querySelector(`select[name=${name}]`);
    if (!field || !url) {
      return;
    }
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button quick-add-open";
    button.textContent = name === "channel" ? "New source…" : "New actor…";
    const panel = document.createElement("div");
    panel.className = "quick-add";
    panel.hidden = true;
    field.closest(".annotator-field").append(button, panel);
    button.addEventListener("click", () => open(field, url, panel, button));
  });
})();
