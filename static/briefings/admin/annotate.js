/*
 * The article annotation workspace in the admin.
 *
 * The text is server-rendered with a <mark> per claim; its DOM text is the
 * article body exactly (markers are CSS generated content), so a selection
 * maps to body offsets. Offsets are sent in Unicode code points, what the
 * server stores: browsers count UTF-16 units, in which an emoji is two.
 */
"use strict";
(function () {
  const root = document.getElementById("annotator");
  if (!root) {
    return;
  }
  const CONTEXT = 32; // code points of context kept on each side, as on the server
  const body = root.querySelector(".annotator-body");
  const form = root.querySelector(".annotator-form");
  const list = root.querySelector(".annotator-list");
  const status = root.querySelector(".annotator-status");
  const selectionInfo = root.querySelector(".annotator-selection");
  const newButton = root.querySelector('.annotator-toolbar [data-action="new-claim"]');
  const floatButton = root.querySelector(".annotator-float");
  // On a phone the form is a sheet over the text's lower part (see annotate.css).
  const phone = window.matchMedia("(max-width: 600px)");
  const GAP = 8; // px between the floating button, the selection and the viewport's edges
  const claims = JSON.parse(document.getElementById("annotator-claims").textContent);
  let pending = null; // the last span selected in the text
  let stale = null; // the current version of the claim whose save was refused as stale

  const codePoints = (text) => Array.from(text);

  // The number of code points of body text before a DOM position.
  function offsetAt(node, offset) {
    const range = document.createRange();
    range.setStart(body, 0);
    range.setEnd(node, offset);
    return codePoints(range.toString()).length;
  }

  function spanOf(start, end) {
    const text = codePoints(body.textContent);
    return {
      start,
      end,
      quote: text.slice(start, end).join(""),
      prefix: text.slice(Math.max(0, start - CONTEXT), start).join(""),
      suffix: text.slice(end, end + CONTEXT).join(""),
    };
  }

  // The selected span of the text, trimmed of surrounding white space, or null.
  function selectedSpan() {
    const selection = window.getSelection();
    if (!selection.rangeCount || selection.isCollapsed) {
      return null;
    }
    const range = selection.getRangeAt(0);
    if (!body.contains(range.startContainer) || !body.contains(range.endContainer)) {
      return null;
    }
    const text = codePoints(body.textContent);
    let start = offsetAt(range.startContainer, range.startOffset);
    let end = offsetAt(range.endContainer, range.endOffset);
    while (start < end && /\s/u.test(text[start])) {
      start++;
    }
    while (end > start && /\s/u.test(text[end - 1])) {
      end--;
    }
    return start < end ? spanOf(start, end) : null;
  }

  function selectionInBody() {
    const selection = window.getSelection();
    return selection.rangeCount > 0 && body.contains(selection.getRangeAt(0).commonAncestorContainer);
  }

  const clamp = (value, low, high) => Math.max(low, Math.min(value, high));

  // On a phone, "New claim" floats under the selection (above it when there is no
  // room below), inside the viewport; it is hidden while the form is open.
  function placeFloat() {
    if (!floatButton) {
      return;
    }
    const selection = window.getSelection();
    const range = phone.matches && form.hidden && pending && selectionInBody() && selection.getRangeAt(0);
    const rect = range && range.getBoundingClientRect();
    const viewWidth = document.documentElement.clientWidth;
    const viewHeight = document.documentElement.clientHeight;
    floatButton.hidden = !rect || rect.bottom < 0 || rect.top > viewHeight;
    if (floatButton.hidden) {
      return;
    }
    const { offsetWidth: width, offsetHeight: height } = floatButton;
    const below = rect.bottom + GAP;
    const top = below + height <= viewHeight - GAP ? below : rect.top - GAP - height;
    floatButton.style.top = `${clamp(top, GAP, viewHeight - GAP - height)}px`;
    floatButton.style.left = `${clamp(rect.left + (rect.width - width) / 2, GAP, viewWidth - GAP - width)}px`;
  }

  document.addEventListener("selectionchange", function () {
    // A selection outside the text (focus moved to the form) keeps what was selected.
    if (selectionInBody()) {
      pending = selectedSpan();
      if (newButton) {
        newButton.disabled = !pending;
      }
      selectionInfo.textContent = pending
        ? `Selected ${pending.end - pending.start} characters (${pending.start}–${pending.end}).`
        : "";
    }
    placeFloat();
  });

  // The text is editable only so that a keyboard can move a caret and select.
  for (const type of ["beforeinput", "paste", "drop", "cut"]) {
    body.addEventListener(type, (event) => event.preventDefault());
  }

  // Form ----------------------------------------------------------------------

  function field(name) {
    return form.elements.namedItem(name);
  }

  function show(name, text) {
    form.querySelector(`[data-show="${name}"]`).textContent = text;
  }

  // Set an admin autocomplete (select2) to the given {id, text} choices.
  function setChoices(name, choices) {
    const select = field(name);
    select.replaceChildren(
      ...(select.multiple ? [] : [new Option("", "")]),
      ...choices.map((choice) => new Option(choice.text, choice.id, true, true)),
    );
    window.django.jQuery(select).trigger("change");
  }

  function clearErrors() {
    for (const list of form.querySelectorAll("[data-errors-for]")) {
      list.replaceChildren();
      list.hidden = true;
    }
    for (const wrapper of form.querySelectorAll(".annotator-field.errors")) {
      wrapper.classList.remove("errors");
    }
  }

  // A refused stale save: the fields the current version has otherwise than the editor's input.
  // Values are set as text; a row's diff_html is the server's escaped word diff.
  function showStale(current, changes) {
    const section = form.querySelector(".annotator-stale");
    const rows = changes.map((change) => {
      const row = document.createElement("tr");
      row.dataset.field = change.field;
      const label = document.createElement("th");
      label.scope = "row";
      label.textContent = change.label;
      const stored = document.createElement("td");
      stored.textContent = change.stored;
      const yours = document.createElement("td");
      if (change.diff_html) {
        yours.innerHTML = change.diff_html;
      } else {
        yours.textContent = change.yours;
      }
      row.append(label, stored, yours);
      return row;
    });
    section.querySelector("tbody").replaceChildren(...rows);
    section.querySelector("table").hidden = rows.length === 0;
    section.querySelector(".annotator-stale-none").hidden = rows.length > 0;
    stale = current;
    section.hidden = false;
  }

  function hideStale() {
    form.querySelector(".annotator-stale").hidden = true;
    stale = null;
  }

  // A claim field as the form holds it and as a claim payload has it, comparable as text.
  const MERGED_FIELDS = [
    "span", "attribution_kind", "speaker", "cue", "quote_type", "channel", "claim_type",
    "about", "verdict", "rationale", "editor_note",
  ];

  function formValue(name) {
    if (name === "span") {
      return ["start", "end", "quote"].map((part) => field(part).value).join("\u0000");
    }
    if (name === "about") {
      return Array.from(field("about").selectedOptions, (option) => option.value).sort().join(",");
    }
    return field(name).value;
  }

  function payloadValue(claim, name) {
    if (name === "span") {
      return [claim.start, claim.end, claim.quote].map((part) => part ?? "").join("\u0000");
    }
    if (name === "about") {
      return claim.about.map((actor) => String(actor.id)).sort().join(",");
    }
    if (name === "speaker" || name === "channel") {
      return claim[name] ? String(claim[name].id) : "";
    }
    return claim[name] ?? "";
  }

  function setFromPayload(claim, name) {
    if (name === "span") {
      setSpan(claim.start === null ? null : spanOf(claim.start, claim.end), claim.quote);
    } else if (name === "about") {
      setChoices("about", claim.about);
    } else if (name === "speaker" || name === "channel") {
      setChoices(name, claim[name] ? [claim[name]] : []);
    } else {
      field(name).value = claim[name];
    }
  }

  // Three-way merge: keep each field the editor changed since opening the claim,
  // take the current version's value for the rest, and save on the current version.
  function reapply() {
    const current = stale;
    const opened = claims[current.id];
    for (const name of MERGED_FIELDS) {
      if (formValue(name) === payloadValue(opened, name)) {
        setFromPayload(current, name);
      }
    }
    // The form now stands for the current version (if this save is refused
    // too, the next merge starts from here).
    claims[current.id] = current;
    field("edit_version").value = current.version;
    hideStale();
    form.requestSubmit();
  }

  function showErrors(errors) {
    clearErrors();
    let first = null;
    for (const [name, messages] of Object.entries(errors)) {
      let target = form.querySelector(`[data-errors-for="${name}"]`);
      const prefix = target ? "" : `${name}: `;
      target = target || form.querySelector('[data-errors-for="__all__"]');
      for (const message of messages) {
        const item = document.createElement("li");
        item.textContent = prefix + message;
        target.append(item);
      }
      target.hidden = false;
      const wrapper = target.closest(".annotator-field");
      if (wrapper) {
        wrapper.classList.add("errors");
      }
      first = first || target;
    }
    const control = first && first.closest(".annotator-field")?.querySelector("input, select, textarea");
    (control || form.querySelector(".annotator-form-title")).focus();
  }

  function setSpan(span, orphanQuote) {
    field("start").value = span ? span.start : "";
    field("end").value = span ? span.end : "";
    field("quote").value = span ? span.quote : orphanQuote;
    show("prefix", span ? span.prefix : "");
    show("quote", span ? span.quote : orphanQuote);
    show("suffix", span ? span.suffix : "");
    show(
      "span",
      span
        ? `Characters ${span.start}–${span.end} (${span.end - span.start} long).`
        : "Orphaned: this quote is no longer in the text. Select where it is now.",
    );
  }

  function markActive(id) {
    for (const element of root.querySelectorAll(".is-active")) {
      element.classList.remove("is-active");
    }
    if (id) {
      for (const element of root.querySelectorAll(`[data-claim="${id}"]:not(button)`)) {
        element.classList.add("is-active");
      }
    }
  }

  let readingAt = null; // the scroll position when the form opened, for a phone to return to

  // Scroll the page so that a span (a Range or a mark) shows above the phone's form sheet.
  function showAboveSheet(span) {
    const rect = span.getBoundingClientRect();
    const sheetTop = form.getBoundingClientRect().top;
    if (rect.top < GAP || rect.bottom > sheetTop - GAP) {
      window.scrollBy(0, rect.top - Math.max(GAP, (sheetTop - rect.height) / 2));
    }
  }

  // A new claim's span stays marked while its form is open: the selection has moved there.
  function markPending(range) {
    if (!window.CSS?.highlights) {
      return;
    }
    if (range) {
      CSS.highlights.set("annotator-pending", new Highlight(range));
    } else {
      CSS.highlights.delete("annotator-pending");
    }
  }

  // Open the form for a claim (id) or a new one; span is what it is about in the text.
  function openForm(title, id, span) {
    clearErrors();
    hideStale();
    form.querySelector(".annotator-form-title").textContent = title;
    const link = form.querySelector(".annotator-claim-link");
    link.hidden = !id;
    link.href = (id && document.querySelector(`#claim-${id} .claim-page`)?.href) || "";
    if (form.hidden) {
      readingAt = window.scrollY;
    }
    form.hidden = false;
    markActive(id);
    markPending(!id && span && span.cloneRange());
    placeFloat();
    if (!phone.matches) {
      form.scrollIntoView({ block: "nearest" });
    } else if (span) {
      showAboveSheet(span);
    }
  }

  function openNew(span) {
    form.reset();
    field("claim").value = "";
    field("edit_version").value = "";
    setSpan(span);
    // A span in quotation marks is most likely a direct quote.
    const quoted = /^["“«„‘']/u.test(span.quote) || /["”»“’']$/u.test(span.quote);
    field("attribution_kind").value = quoted ? "direct_quote" : "reported";
    field("quote_type").value = quoted ? "direct" : "indirect";
    setChoices("speaker", []);
    setChoices("channel", []);
    setChoices("about", []);
    showOverlaps([]);
    openForm("New claim", null, selectionInBody() ? window.getSelection().getRangeAt(0) : null);
    window.django.jQuery(field("speaker")).select2("open");
  }

  function openClaim(id, overlaps) {
    const claim = claims[id];
    if (!form || !claim) {
      return;
    }
    form.reset();
    field("claim").value = id;
    field("edit_version").value = claim.version;
    setSpan(claim.start === null ? null : spanOf(claim.start, claim.end), claim.quote);
    for (const name of ["attribution_kind", "cue", "quote_type", "claim_type", "verdict", "rationale", "editor_note"]) {
      field(name).value = claim[name];
    }
    setChoices("speaker", claim.speaker ? [claim.speaker] : []);
    setChoices("channel", claim.channel ? [claim.channel] : []);
    setChoices("about", claim.about);
    showOverlaps((overlaps || []).filter((other) => other !== id));
    openForm(`Claim #${id}`, id, body.querySelector(`mark[data-claim="${id}"]`));
    form.querySelector(".annotator-form-title").focus();
  }

  // Nested and overlapping spans: offer the other claims at the clicked point.
  function showOverlaps(ids) {
    const holder = form.querySelector(".annotator-overlaps");
    holder.replaceChildren();
    holder.hidden = ids.length === 0;
    if (ids.length) {
      holder.append("Also at this point: ");
      for (const id of ids) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "button";
        button.dataset.action = "edit-claim";
        button.dataset.claim = id;
        button.textContent = `#${id}`;
        holder.append(button, " ");
      }
    }
  }

  function claimsAt(element) {
    const ids = [];
    for (let node = element; node && node !== body; node = node.parentElement) {
      if (node.dataset.claim) {
        ids.push(Number(node.dataset.claim));
      }
    }
    return ids; // innermost first
  }

  function closeForm() {
    form.hidden = true;
    markActive(null);
    markPending(null);
    if (phone.matches) {
      // Back to the text where the editor was reading, not to its top.
      body.focus({ preventScroll: true });
      window.scrollTo(0, readingAt);
    } else {
      body.focus();
    }
    placeFloat();
  }

  // Marks are titled from the claims' data: the server draws only spans and verdicts.
  function titleMarks(marks) {
    for (const mark of marks) {
      const claim = claims[mark.dataset.claim];
      if (claim) {
        mark.title = claim.title;
      }
    }
  }

  // Whether claim a is listed before claim b: in text order, orphans (no start) by number.
  function listedBefore(a, b) {
    const startA = a.start === null ? -1 : a.start;
    const startB = b.start === null ? -1 : b.start;
    return startA < startB || (startA === startB && a.id < b.id);
  }

  // Put a claim's list item (html) in its list (place), or take it out (no place).
  function placeItem(claim, place, html) {
    document.getElementById(`claim-${claim.id}`)?.remove();
    if (place) {
      const template = document.createElement("template");
      template.innerHTML = html.trim();
      const target = list.querySelector(`[data-list="${place}"]`);
      const next = Array.from(target.querySelectorAll(":scope > .claim-item")).find(
        (item) => !listedBefore(claims[item.dataset.claim], claim),
      );
      target.insertBefore(template.content.firstElementChild, next || null);
    }
    const counts = {};
    for (const name of ["anchored", "orphaned"]) {
      counts[name] = list.querySelectorAll(`[data-list="${name}"] > .claim-item`).length;
      list.querySelector(`[data-count="${name}"]`).textContent = counts[name];
    }
    if (counts.anchored) {
      list.querySelector(".claim-empty")?.remove();
    }
    list.querySelector(".claim-orphans").hidden = counts.orphaned === 0;
  }

  // Show what a write answered: the one claim it changed, in the text and in the list.
  function showSaved(data) {
    const claim = data.claim;
    claims[claim.id] = claim;
    if (data.body_html !== null) {
      body.innerHTML = data.body_html;
      titleMarks(body.querySelectorAll("mark[data-claim]"));
    } else {
      const marks = body.querySelectorAll(`mark[data-claim="${claim.id}"]`);
      for (const mark of marks) {
        mark.className = mark.className.replace(/\bverdict-\S+/u, `verdict-${claim.verdict}`);
        mark.dataset.marker = claim.marker;
      }
      titleMarks(marks);
    }
    placeItem(claim, data.list, data.item_html);
  }

  async function save(event) {
    event.preventDefault();
    const button = form.querySelector('[type="submit"]');
    button.disabled = true;
    hideStale();
    status.textContent = "Saving…";
    let data;
    let ok = false;
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      ok = response.ok;
      try {
        data = await response.json();
      } catch {
        data = { errors: { __all__: [`The server answered ${response.status} ${response.statusText}.`] } };
      }
    } catch (error) {
      data = { errors: { __all__: [`The server could not be reached (${error.message}); nothing was saved.`] } };
    } finally {
      button.disabled = false;
    }
    if (!ok) {
      status.textContent = "Not saved: see the messages in the form.";
      showErrors(data.errors || { __all__: ["Not saved."] });
      if (data.current && String(data.current.id) === field("claim").value) {
        showStale(data.current, data.changes);
      }
      return;
    }
    showSaved(data);
    status.textContent = data.message || `Saved claim #${data.claim.id}.`;
    openClaim(data.claim.id);
    for (const mark of body.querySelectorAll(`mark[data-claim="${data.claim.id}"]`)) {
      mark.classList.add("just-saved");
    }
  }

  // Retiring an orphan: the list's small forms work without this script too.
  async function retire(event) {
    const retireForm = event.target.closest("form.claim-retire");
    if (!retireForm) {
      return;
    }
    event.preventDefault();
    if (!window.confirm("Retire this claim? It leaves every public page.")) {
      return;
    }
    status.textContent = "Retiring…";
    let data;
    try {
      const response = await fetch(retireForm.action, {
        method: "POST",
        body: new FormData(retireForm),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      data = await response.json().catch(() => ({ errors: { __all__: [`The server answered ${response.status}.`] } }));
    } catch (error) {
      data = { errors: { __all__: [`The server could not be reached (${error.message}); nothing was retired.`] } };
    }
    if (data.errors) {
      status.textContent = `Not retired: ${Object.values(data.errors).flat().join(" ")}`;
      return;
    }
    showSaved(data);
    if (form && field("claim").value === String(data.claim.id)) {
      closeForm();
    }
    status.textContent = data.message || `Retired claim #${data.claim.id}.`;
  }

  // Wiring ----------------------------------------------------------------------

  titleMarks(body.querySelectorAll("mark[data-claim]"));
  list.addEventListener("submit", retire);

  body.addEventListener("click", function (event) {
    const mark = event.target.closest("mark[data-claim]");
    if (mark && window.getSelection().isCollapsed) {
      openClaim(Number(mark.dataset.claim), claimsAt(mark));
    }
  });

  body.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !form) {
      return;
    }
    event.preventDefault();
    const span = selectedSpan();
    if (span) {
      openNew(span);
      return;
    }
    const node = window.getSelection().anchorNode;
    const element = node && (node.nodeType === Node.TEXT_NODE ? node.parentElement : node);
    const mark = element && element.closest("mark[data-claim]");
    if (mark && body.contains(mark)) {
      openClaim(Number(mark.dataset.claim), claimsAt(mark));
    }
  });

  root.addEventListener("click", function (event) {
    const button = event.target.closest("button[data-action]");
    if (!button) {
      return;
    }
    const action = button.dataset.action;
    if (action === "new-claim" && pending) {
      openNew(pending);
    } else if (action === "edit-claim") {
      openClaim(Number(button.dataset.claim));
    } else if (action === "use-selection") {
      if (pending) {
        setSpan(pending);
        markPending(selectionInBody() && window.getSelection().getRangeAt(0).cloneRange());
      } else {
        showErrors({ start: ["Select the new text of the claim in the article first."] });
      }
    } else if (action === "reapply" && stale) {
      reapply();
    } else if (action === "close") {
      closeForm();
    }
  });

  for (const target of [window, window.visualViewport]) {
    target?.addEventListener("scroll", placeFloat, { passive: true });
    target?.addEventListener("resize", placeFloat);
  }
  phone.addEventListener("change", placeFloat);

  if (form) {
    // An on-screen keyboard covers the layout viewport's bottom: the sheet sits above it.
    window.visualViewport?.addEventListener("resize", function () {
      const view = window.visualViewport;
      const covered = Math.max(0, window.innerHeight - view.height - view.offsetTop);
      form.style.setProperty("--keyboard-height", `${covered}px`);
    });
    form.addEventListener("submit", save);
    form.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && !event.defaultPrevented) {
        closeForm();
      } else if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        form.requestSubmit();
      }
    });
    const match = /^#claim-(\d+)$/.exec(window.location.hash);
    if (match) {
      window.addEventListener("load", () => openClaim(Number(match[1])));
    }
  }
})();
