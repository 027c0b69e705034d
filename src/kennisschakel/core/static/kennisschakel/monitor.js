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

  function progress(answered, asked) {
    // Keep the progress indicator true as answers are saved: "n of m questions answered".
    var bar = document.getElementById("survey-progress-bar");
    if (!bar || typeof answered !== "number") return;
    bar.max = asked;
    bar.value = answered;
    var label = document.querySelector("label[for=survey-progress-bar]");
    var count = 0;
    label.textContent = label.textContent.replace(/\d+/g, function (number) {
      count += 1;
      return count === 1 ? String(answered) : count === 2 ? String(asked) : number;
    });
  }

  function save(code) {
    var body = {};
    body[code] = valueOf(code);
    status(code, "…", false);
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      var error = result.data.errors && result.data.errors[code];
      progress(result.data.answered, result.data.asked);
      var lang = document.documentElement.lang;
      if (error) status(code, error, true);
      else if (!result.ok) status(code, result.data.detail || "", true);
      else status(code, lang === "en" ? "Saved" : "Opgeslagen", false);
    }).catch(function () {
      var lang = document.documentElement.lang;
      status(code, lang === "en" ? "Not saved: no connection. It is sent again with the page."
        : "Niet opgeslagen: geen verbinding. Het wordt opnieuw verstuurd met de pagina.", true);
    });
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
    save(input.name);
  });
  form.addEventListener("input", function (event) {
    var input = event.target;
    if (input.tagName !== "TEXTAREA" && input.type !== "text") return;
    clearTimeout(timers[input.name]);
    timers[input.name] = setTimeout(function () { save(input.name); }, 800);
  });
  route();
})();
