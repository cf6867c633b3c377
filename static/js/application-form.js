// The application form works without this script; it adds autosave while typing and
// "add row" buttons for contacts and success criteria.
(function () {
  "use strict";
  const form = document.getElementById("application-form");
  if (!form) return;
  const status = form.querySelector("[data-autosave-status]");
  const versionInput = form.querySelector("input[name=version]");
  let url = form.dataset.autosaveUrl;
  const DELAY_MS = 2500;
  let timer = null;
  let saving = false;
  let pending = false;
  let stopped = false;
  let submitAfterSave = null; // the button pressed while a background save was on its way
  let dirty = false; // typed since the last save began
  let unsaved = false; // the last save was refused or failed
  let submitting = false;
  let sentOnLeave = false;
  // Browsers send at most 64 KB with a request that outlives its page (keepalive).
  const KEEPALIVE_LIMIT = 60000;

  if (status.dataset.msgUnsaved) status.textContent = status.dataset.msgUnsaved;

  function say(text, isError) {
    status.textContent = text;
    status.classList.toggle("text-danger", Boolean(isError));
  }

  // Add-row buttons: clone the formset's empty form.
  form.querySelectorAll("[data-add-row]").forEach(function (button) {
    const prefix = button.dataset.addRow;
    const total = form.querySelector("#id_" + prefix + "-TOTAL_FORMS");
    const template = document.getElementById(prefix + "-empty");
    const list = form.querySelector('[data-formset="' + prefix + '"]');
    button.classList.remove("d-none");
    // The hint for a form without script ("gem for at få en mere") is not true beside the
    // button (fresh eyes round 21): its script wording, or nothing.
    const hint = button.nextElementSibling;
    if (hint && hint.hasAttribute("data-without-script")) {
      if (hint.dataset.withScript) hint.textContent = hint.dataset.withScript;
      else hint.hidden = true;
    }
    button.addEventListener("click", function () {
      const index = parseInt(total.value, 10);
      // A row's number as people count (its hidden legend, "Kontaktperson 3",
      // "Succeskriterium 2"); the prefix counts from 0.
      const html = template.innerHTML
        .replace(/__prefix__/g, String(index))
        .replace(/__number__/g, String(index + 1));
      list.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      const first = list.lastElementChild.querySelector("input, textarea");
      if (first) first.focus();
    });
  });

  // The short form (a pool's short_form_below): while the amounts asked for stay below the
  // threshold, the headings a small grant does not need stay hidden; the numbers follow.
  const shortBelow = form.dataset.shortFormBelow;
  // The yearly amounts, not the note about them ("amount_note"): its words made the sum
  // "–" as soon as it had any (fresh eyes round 28).
  const amounts = Array.from(form.querySelectorAll('input[name^="amount_"]:not([name="amount_note"])'));
  // A Danish amount ("150.000", "75.000,50", "150000 kr."); null when it is not one yet.
  function kroner(text) {
    const plain = text.replace(/kr\.?/i, "").replace(/\s/g, "");
    if (plain === "") return 0;
    if (!/^\d{1,3}(\.\d{3})*(,\d{1,2})?$|^\d+(,\d{1,2})?$/.test(plain)) return null;
    return Number(plain.replace(/\./g, "").replace(",", "."));
  }
  function showHeadings() {
    let total = 0;
    amounts.forEach(function (input) {
      total += kroner(input.value) || 0;
    });
    const short = total < parseFloat(shortBelow);
    form.querySelectorAll("[data-short-form-optional]").forEach(function (fieldset) {
      fieldset.hidden = short;
    });
    let number = 0;
    form.querySelectorAll("fieldset > legend > [data-heading-number]").forEach(function (span) {
      if (!span.closest("fieldset").hidden) span.textContent = String(++number);
    });
  }
  if (shortBelow) {
    amounts.forEach(function (input) {
      input.addEventListener("input", showHeadings);
    });
  }

  function applyRowIds(rowIds) {
    form.querySelectorAll('input[type=hidden][name$="-id"]').forEach(function (input) {
      const prefix = input.name.slice(0, -3);
      if (prefix.indexOf("__prefix__") !== -1) return;
      input.value = rowIds[prefix] !== undefined ? String(rowIds[prefix]) : "";
    });
  }

  // Fields the last background save refused: marked as the server would mark them, and
  // unmarked when a later save goes through.
  function markRefused(errors) {
    form.querySelectorAll("[data-autosave-error]").forEach(function (node) { node.remove(); });
    form.querySelectorAll(".is-invalid[data-autosave-invalid]").forEach(function (input) {
      input.classList.remove("is-invalid");
      input.removeAttribute("data-autosave-invalid");
      input.removeAttribute("aria-invalid");
    });
    Object.keys(errors || {}).forEach(function (name) {
      const input = form.querySelector('[name="' + CSS.escape(name) + '"]');
      if (!input) return;
      input.classList.add("is-invalid");
      input.setAttribute("data-autosave-invalid", "");
      input.setAttribute("aria-invalid", "true");
      const feedback = document.createElement("div");
      feedback.className = "invalid-feedback d-block";
      feedback.id = "autosave-error-" + name;
      feedback.setAttribute("data-autosave-error", "");
      feedback.textContent = errors[name].join(" ");
      const described = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      if (described.indexOf(feedback.id) === -1) described.push(feedback.id);
      input.setAttribute("aria-describedby", described.join(" "));
      input.insertAdjacentElement("afterend", feedback);
    });
  }

  // A chosen file is attached by "Gem kladde" only, never by the background save: until
  // then the page says so and asks before it is left (fresh eyes round 21: "Gemt
  // automatisk" beside a chosen file, which was gone after leaving).
  function fileWaiting() {
    const input = form.querySelector('input[type=file][name="attachment"]');
    return Boolean(input && input.files && input.files.length);
  }

  async function save() {
    if (stopped) return;
    if (saving) { pending = true; return; }
    saving = true;
    dirty = false;
    const data = new FormData(form);
    data.delete("attachment");
    try {
      const response = await fetch(url, {
        method: "POST",
        body: data,
        headers: { "X-Requested-With": "fetch" },
        credentials: "same-origin",
      });
      const type = response.headers.get("content-type") || "";
      if (response.redirected || type.indexOf("application/json") === -1) {
        // Logged out: the button still works and keeps what was typed across the login.
        stopped = true;
        unsaved = true;
        say(form.dataset.msgLoggedOut, true);
        return;
      }
      const result = await response.json();
      if (result.saved) {
        if (result.autosave_url && result.autosave_url !== url) {
          // A new application's first save made the draft: from now on save that draft.
          url = result.autosave_url;
          form.action = result.edit_url;
          window.history.replaceState(null, "", result.edit_url);
        }
        versionInput.value = result.version;
        applyRowIds(result.row_ids || {});
        markRefused({});
        unsaved = false;
        say(fileWaiting() ? result.message + ". " + form.dataset.msgFileWaiting : result.message, false);
      } else {
        // Nothing of this save was stored: leaving now would lose it (fresh eyes round 15
        // lost a whole application to one amount written as "12.000,-").
        unsaved = true;
        if (result.conflict) stopped = true;
        if (result.errors) markRefused(result.errors);
        say(result.message + (result.changed && result.changed.length ? " (" + result.changed.join(", ") + ")" : ""), true);
      }
    } catch (error) {
      unsaved = true;
      say(form.dataset.msgOffline, true);
    } finally {
      saving = false;
      if (submitAfterSave) {
        // Now the form posts to the draft the background save made, with its version.
        const button = submitAfterSave;
        submitAfterSave = null;
        stopped = true;
        form.requestSubmit(button);
      } else if (pending) { pending = false; schedule(); }
    }
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(save, DELAY_MS);
  }

  form.addEventListener("input", function (event) {
    if (event.target.name !== "attachment") { dirty = true; schedule(); }
  });
  // A file too large is said at the field as it is chosen. It stays chosen, so the page
  // the server answers with says it again, as it does without the script (fresh eyes
  // round 34: cleared here, it was forgotten without a word after a refused save).
  function fileTooLarge(input) {
    const help = document.getElementById("attachment-help");
    if (help && help.dataset.usual === undefined) help.dataset.usual = help.textContent;
    const limit = Number(input.dataset.maxBytes || 0);
    const file = input.files && input.files[0];
    const tooLarge = Boolean(limit && file && file.size > limit);
    input.classList.toggle("is-invalid", tooLarge);
    if (tooLarge) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
    if (help) help.classList.toggle("text-danger", tooLarge);
    if (!tooLarge) {
      if (help) help.textContent = help.dataset.usual;
      return false;
    }
    // As the server says sizes (portal.numbers.format_file_size): "11 MB", "2,5 MB".
    const size = (file.size / 1000000).toFixed(1).replace(/\.0$/, "").replace(".", ",");
    const message = input.dataset.msgTooLarge.replace("{size}", size);
    if (help) help.textContent = message;
    say(message, true);
    return true;
  }

  form.addEventListener("change", function (event) {
    if (event.target.name !== "attachment") { dirty = true; schedule(); }
    else if (!fileTooLarge(event.target) && fileWaiting()) say(form.dataset.msgFileWaiting, false);
  });

  // Leaving the page during the autosave's pause: what was typed goes with the page as it
  // leaves (fresh eyes round 12 lost a sentence typed just before a menu link was clicked).
  // When it cannot (too large for a leaving request, or a save still on its way), the
  // browser asks before the page is left.
  function formSize(data) {
    let size = 0;
    data.forEach(function (value, name) {
      size += name.length + 8 + (typeof value === "string" ? value.length * 3 : 0);
    });
    return size;
  }

  function sendOnLeave() {
    if (stopped || !dirty || saving) return false;
    const data = new FormData(form);
    data.delete("attachment");
    if (formSize(data) > KEEPALIVE_LIMIT) return false;
    clearTimeout(timer);
    dirty = false;
    sentOnLeave = true;
    fetch(url, {
      method: "POST",
      body: data,
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
      keepalive: true,
    }).catch(function () {});
    return true;
  }

  window.addEventListener("beforeunload", function (event) {
    if (submitting) return;
    if (unsaved || fileWaiting()) {
      // The last save was refused or failed: what is on the page is not stored, and sent
      // again on leaving it could be refused again, so the browser asks first.
      event.preventDefault();
      event.returnValue = "";
      return;
    }
    if (stopped || !(dirty || saving)) return;
    if (sendOnLeave()) return;
    event.preventDefault();
    event.returnValue = "";
  });
  window.addEventListener("pagehide", sendOnLeave);
  document.addEventListener("visibilitychange", function () {
    // Another tab or app: save now, the page stays and hears the answer.
    if (document.visibilityState === "hidden" && dirty && !stopped) {
      clearTimeout(timer);
      save();
    }
  });
  window.addEventListener("pageshow", function (event) {
    // Back to a page kept in the browser's memory after its text was sent on leaving: its
    // version number is old now, so load it as saved.
    if (event.persisted && sentOnLeave) window.location.reload();
  });
  form.addEventListener("submit", function (event) {
    clearTimeout(timer);
    if (saving) {
      // Wait for the background save: posting now would race it (a second new draft, or
      // a conflict with our own save).
      event.preventDefault();
      submitAfterSave = event.submitter || form.querySelector("button[type=submit]");
      return;
    }
    stopped = true;
    submitting = true;
  });

  // "I alt" under the amounts, while typing: the Danish way ("150.000", "75.000,50"); a
  // field that is not an amount yet shows "–", as the server does.
  const total = form.querySelector("[data-amount-total] span");
  const max = parseFloat(form.querySelector("[data-amount-total]")?.dataset.max);
  const overMax = form.querySelector("[data-over-max]");
  function addUp() {
    let sum = 0;
    for (const input of amounts) {
      const value = kroner(input.value);
      if (value === null) {
        total.textContent = "–";
        return;
      }
      sum += value;
    }
    if (overMax && !isNaN(max)) overMax.hidden = sum <= max;
    const whole = Number.isInteger(sum);
    total.textContent =
      sum.toLocaleString("da-DK", {
        minimumFractionDigits: whole ? 0 : 2,
        maximumFractionDigits: 2,
      }) + " kr.";
  }
  if (total && amounts.length) {
    amounts.forEach(function (input) {
      input.addEventListener("input", addUp);
    });
  }
})();
