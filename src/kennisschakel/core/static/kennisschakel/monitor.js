// The questionnaire without losing anything: every answer is sent to the server as it is
// given (autosave), and questions that depend on an earlier answer on the same page are
// shown or hidden as that answer changes. Without JavaScript the page still works: the
// buttons save everything, and the dependent questions are all shown with a hint.
(function () {
  "use strict";
  var form = document.querySelector("form.questionnaire");
  if (!form) return;
  var url = form.getAttribute("data-autosave");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var saved = JSON.parse(document.getElementById("saved-answers").textContent || "{}");
  var timers = {};

  function valueOf(code) {
    var inputs = form.querySelectorAll("[name='" + code + "']");
    if (!inputs.length) return saved[code];
    var first = inputs[0];
    if (first.type === "checkbox") {
      return Array.prototype.filter.call(inputs, function (i) { return i.checked; })
        .map(function (i) { return i.value; });
    }
    if (first.type === "radio") {
      var checked = Array.prototype.find.call(inputs, function (i) { return i.checked; });
      return checked ? checked.value : null;
    }
    return first.value;
  }

  function answered(value) {
    return !(value === null || value === undefined || value === "" ||
      (Array.isArray(value) && value.length === 0));
  }

  function holds(condition) {
    if (condition.all) return condition.all.every(holds);
    if (condition.any) return condition.any.some(holds);
    if (condition.not) return !holds(condition.not);
    var value = valueOf(condition.question);
    if ("answered" in condition) return answered(value) === condition.answered;
    if (!answered(value)) return false;
    if ("equals" in condition) return String(value) === String(condition.equals);
    if ("in" in condition) return condition["in"].map(String).indexOf(String(value)) >= 0;
    if ("includes" in condition) return Array.isArray(value) && value.indexOf(condition.includes) >= 0;
    var number = parseFloat(String(value).replace(",", "."));
    if ("gte" in condition) return number >= condition.gte;
    if ("lte" in condition) return number <= condition.lte;
    return true;
  }

  function route() {
    form.querySelectorAll("[data-when]").forEach(function (question) {
      var show = holds(JSON.parse(question.getAttribute("data-when")));
      question.hidden = !show;
    });
  }

  function status(code, text, isError) {
    var box = form.querySelector("[data-question='" + code + "'] .save-status");
    if (!box) return;
    box.textContent = text;
    box.className = "save-status" + (isError ? " error" : "");
  }

  function progress(shown) {
    // Keep the progress indicator true as answers are saved: the server counts blocks
    // ("Stap 2 van ongeveer 12"), so routing never makes it jump back.
    var bar = document.getElementById("survey-progress-bar");
    if (!bar || !shown || typeof shown.percent !== "number") return;
    bar.value = shown.percent;
    var label = document.getElementById("survey-progress-label");
    if (label && shown.label) label.textContent = shown.label;
    var percent = document.getElementById("survey-progress-percent");
    if (percent && shown.percent_label) percent.textContent = shown.percent_label;
    (shown.steps || []).forEach(function (step) {
      // A page that routing now passes by (or may open again) says so at once.
      var item = document.querySelector(".survey-step[data-step='" + step.code + "']");
      if (!item) return;
      item.className = "survey-step survey-step-" + step.state;
      var note = item.querySelector(".step-note");
      if (note) note.textContent = step.note ? "(" + step.note + ")" : "";
    });
  }

  // Autosave that survives a lost connection or a restarting server (503 with
  // Retry-After): changes wait in `pending` and are sent again with backoff. Until the
  // server confirms them they are also kept in sessionStorage under the invitation and
  // question, so a reload of this tab restores them; a confirmed answer is removed at
  // once. (sessionStorage, not localStorage: nothing stays behind on a shared computer
  // when the tab is closed.)
  var invitation = form.getAttribute("data-invitation") || "";
  var PREFIX = "kennisschakel:answer:" + invitation + ":";
  var RETRY_STATUSES = [502, 503, 504];
  var pending = {};   // question code → true while its latest value is unconfirmed
  var edits = {};     // question code → change counter, to spot a change made while sending
  var sending = false;
  var retryTimer = null;
  var attempt = 0;
  var lang = document.documentElement.lang;
  var RETRYING = lang === "en"
    ? "Not saved — the connection is briefly gone; we are trying again"
    : "Niet opgeslagen — de verbinding is even weg; we proberen het opnieuw";
  var SAVED = lang === "en" ? "Saved" : "Opgeslagen";
  var NOT_SAVED = lang === "en" ? "Not saved" : "Niet opgeslagen";

  function remember(code) {
    try { sessionStorage.setItem(PREFIX + code, JSON.stringify(valueOf(code))); } catch (e) { /* full or off */ }
  }
  function forget(code) {
    try { sessionStorage.removeItem(PREFIX + code); } catch (e) { /* storage off */ }
  }
  function stored() {
    var found = {};
    try {
      for (var i = 0; i < sessionStorage.length; i++) {
        var key = sessionStorage.key(i);
        if (key && key.indexOf(PREFIX) === 0) found[key.slice(PREFIX.length)] = JSON.parse(sessionStorage.getItem(key));
      }
    } catch (e) { /* storage off or unreadable: nothing to restore */ }
    return found;
  }

  function sameAnswer(typed, server) {
    // The server stores normalised values (numbers, trimmed text); compare loosely.
    if (!answered(typed)) return !answered(server);
    if (Array.isArray(typed)) {
      return Array.isArray(server) && typed.slice().sort().join("\n") === server.map(String).sort().join("\n");
    }
    var text = String(typed).trim();
    if (String(server) === text) return true;
    var number = parseFloat(text.replace(",", "."));
    return typeof server === "number" && number === server;
  }

  function setValue(code, value) {
    var inputs = form.querySelectorAll("[name='" + code + "']");
    Array.prototype.forEach.call(inputs, function (input) {
      if (input.type === "checkbox") input.checked = Array.isArray(value) && value.indexOf(input.value) >= 0;
      else if (input.type === "radio") input.checked = input.value === value;
      else input.value = value === null || value === undefined ? "" : value;
    });
  }

  function queue(code) {
    if (!url) return;  // the facilitator's preview: routing only, nothing is saved
    pending[code] = true;
    edits[code] = (edits[code] || 0) + 1;
    remember(code);
    if (retryTimer) status(code, RETRYING, true);
    flush();
  }

  function retryLater(codes, retryAfter) {
    attempt += 1;
    var backoff = Math.min(30, Math.pow(2, attempt - 1));
    var asked = parseInt(retryAfter, 10);
    var seconds = Math.min(60, isNaN(asked) ? backoff : Math.max(asked, backoff));
    codes.forEach(function (code) { status(code, RETRYING, true); });
    Object.keys(pending).forEach(function (code) { status(code, RETRYING, true); });
    retryTimer = setTimeout(function () { retryTimer = null; flush(); }, seconds * 1000);
  }

  function settle(response, data, sent) {
    attempt = 0;
    var errors = data.errors || {};
    var saved = data.saved || [];
    progress(data.progress);
    Object.keys(sent).forEach(function (code) {
      var current = edits[code] === sent[code];  // not changed again while it was on its way
      if (errors[code] || response.ok || saved.indexOf(code) >= 0) {
        // Saved, or refused as invalid (the server keeps invalid input aside with its
        // message): either way the server has it, so the browser no longer needs it.
        if (current) { delete pending[code]; forget(code); }
        if (errors[code]) status(code, errors[code], true);
        else if (current) status(code, SAVED, false);
        return;
      }
      // Session ended, already submitted …: resending will not help. The answer stays in
      // this tab's storage so it comes back after the code is entered again.
      if (current) delete pending[code];
      status(code, NOT_SAVED + (data.detail ? ": " + data.detail : ""), true);
    });
  }

  function flush() {
    if (sending || retryTimer) return;
    var codes = Object.keys(pending);
    if (!codes.length) return;
    var body = {};
    var sent = {};
    codes.forEach(function (code) {
      body[code] = valueOf(code);
      sent[code] = edits[code];
      // While retrying, the message stays put: a live region that flips to "…" and back
      // every few seconds would be read out again and again.
      if (!attempt) status(code, "…", false);
    });
    sending = true;
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token },
      body: JSON.stringify(body)
    }).then(function (response) {
      if (RETRY_STATUSES.indexOf(response.status) >= 0) {
        retryLater(codes, response.headers.get("Retry-After"));
        return null;
      }
      return response.json().then(function (data) {
        settle(response, data, sent);
      }, function () {
        settle(response, {}, sent);  // not JSON: an unexpected server error page
      });
    }).catch(function () {
      retryLater(codes, null);  // no connection at all
    }).then(function () {
      sending = false;
      flush();  // changes made while this request was under way
    });
  }

  window.addEventListener("online", function () {
    if (retryTimer) { clearTimeout(retryTimer); retryTimer = null; flush(); }
  });

  function restore() {
    // Answers this tab typed but the server never confirmed (a reload, or back from the
    // "briefly unavailable" page) come back into the form and are sent again; those the
    // server has meanwhile (a page sent with its button) are dropped.
    if (!url) return;
    var kept = stored();
    Object.keys(kept).forEach(function (code) {
      if (sameAnswer(kept[code], saved[code])) { forget(code); return; }
      if (!form.querySelector("[name='" + code + "']")) return;  // on another page
      setValue(code, kept[code]);
      pending[code] = true;
      edits[code] = 1;
    });
    flush();
  }

  form.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.name || input.name === "csrfmiddlewaretoken") return;
    if (input.type === "checkbox" && input.checked) {
      // An exclusive answer ("none of these") clears the others, and the other way round.
      var group = form.querySelectorAll("[name='" + input.name + "']");
      group.forEach(function (other) {
        if (other !== input && (input.hasAttribute("data-exclusive") || other.hasAttribute("data-exclusive"))) {
          other.checked = false;
        }
      });
    }
    route();
    queue(input.name);
  });
  form.addEventListener("input", function (event) {
    var input = event.target;
    if (input.tagName !== "TEXTAREA" && input.type !== "text") return;
    clearTimeout(timers[input.name]);
    timers[input.name] = setTimeout(function () { queue(input.name); }, 800);
  });
  restore();
  route();

  // A link from the review page ("…#q-code") lands on the question: focus its first
  // field, so keyboard and screen-reader users are there too, not just the scroll.
  function focusLinkedQuestion() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (!target || !form.contains(target) || target.hidden) return;
    var field = target.matches("input, textarea, select") ? target
      : target.querySelector("input:not([type=hidden]), textarea, select");
    if (field) field.focus();
  }
  // After the load: the browser's own scroll to the fragment would take the focus away.
  window.addEventListener("load", function () { setTimeout(focusLinkedQuestion, 0); });
  window.addEventListener("hashchange", focusLinkedQuestion);
})();
