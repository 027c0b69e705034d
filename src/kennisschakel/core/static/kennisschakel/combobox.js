// Accessible combobox for naming parties (WAI-ARIA 1.2 combobox pattern, list
// autocomplete). Enhances every [data-combobox] that register/widgets.py renders:
// without this script the field is a plain text field the server resolves by name.
// Keys: type to get suggestions, Down/Up to move, Enter to choose, Escape to close.
// Suggestions come from the server as JSON (register/party_views.py) and are built
// with textContent only (no HTML from the network is inserted).
(function () {
  "use strict";
  var counter = 0;

  function enhance(root) {
    var input = root.querySelector("[data-combobox-input]");
    if (!input || input.dataset.comboboxReady) return;
    input.dataset.comboboxReady = "1";
    var addBox = root.querySelector("[data-combobox-add-to]");
    var list = addBox ? document.getElementById(addBox.dataset.comboboxAddTo) : null;
    if (addBox) addBox.hidden = false;
    var url = root.dataset.suggestUrl;
    var separator = root.dataset.separator || "";
    var baseId = (input.id || "combobox-" + ++counter) + "-listbox";

    var listbox = document.createElement("ul");
    listbox.id = baseId;
    listbox.className = "combobox-listbox";
    listbox.setAttribute("role", "listbox");
    listbox.setAttribute("aria-label", root.dataset.listLabel || "");
    listbox.hidden = true;
    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    input.insertAdjacentElement("afterend", listbox);
    listbox.insertAdjacentElement("afterend", status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", baseId);
    input.setAttribute("autocomplete", "off");

    var results = [];
    var active = -1;
    var timer = null;
    var request = 0;

    function term() {
      if (!separator) return input.value.trim();
      var parts = input.value.split(separator);
      return parts[parts.length - 1].trim();
    }

    function open() {
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function mark(index) {
      var items = listbox.children;
      for (var i = 0; i < items.length; i++) {
        items[i].setAttribute("aria-selected", i === index ? "true" : "false");
      }
      active = index;
      if (index >= 0 && items[index]) {
        input.setAttribute("aria-activedescendant", items[index].id);
        if (items[index].scrollIntoView) items[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function render(found) {
      results = found;
      listbox.replaceChildren();
      found.forEach(function (option, index) {
        var item = document.createElement("li");
        item.id = baseId + "-" + index;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        var name = document.createElement("span");
        name.textContent = option.label;
        var detail = document.createElement("span");
        detail.className = "combobox-detail";
        detail.textContent = option.detail;
        item.append(name, " ", detail);
        item.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep the focus in the input
          choose(index);
        });
        listbox.append(item);
      });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (found.length) {
        open();
        status.textContent = (root.dataset.countText || "%s").replace("%s", found.length);
      } else {
        close();
        status.textContent = term().length >= 2 ? root.dataset.noneText || "" : "";
      }
    }

    function fetchSuggestions() {
      var q = term();
      if (q.length < 2) {
        render([]);
        return;
      }
      var mine = ++request;
      fetch(url + "&q=" + encodeURIComponent(q), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      })
        .then(function (response) {
          return response.ok ? response.json() : { results: [] };
        })
        .then(function (data) {
          if (mine === request) render(data.results || []);
        })
        .catch(function () {
          /* offline: the field still works as a plain text field */
        });
    }

    function choose(index) {
      var value = results[index].value;
      if (list) {
        var lines = list.value.split("\n").map(function (line) {
          return line.trim();
        });
        if (lines.indexOf(value) === -1) {
          list.value = lines.filter(Boolean).concat([value]).join("\n");
        }
        input.value = "";
      } else if (separator) {
        var parts = input.value.split(separator).map(function (part) {
          return part.trim();
        });
        parts[parts.length - 1] = value;
        input.value = parts.filter(Boolean).join(separator + " ") + separator + " ";
      } else {
        input.value = value;
      }
      request++; // ignore answers still on their way
      close();
      status.textContent = (root.dataset.chosenText || "%s").replace("%s", value);
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, 200);
    });
    input.addEventListener("keydown", function (event) {
      var count = results.length;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!count) return;
        event.preventDefault();
        if (listbox.hidden) open();
        var step = event.key === "ArrowDown" ? 1 : -1;
        mark(active === -1 && step < 0 ? count - 1 : (active + step + count) % count);
      } else if (event.key === "Enter") {
        if (!listbox.hidden && active >= 0) {
          event.preventDefault(); // choose, do not submit yet
          choose(active);
        } else if (list) {
          event.preventDefault(); // the add box is not part of the form
        }
      } else if (event.key === "Escape") {
        if (!listbox.hidden) {
          event.preventDefault();
          close();
        }
      } else if (event.key === "Tab") {
        close();
      }
    });
    input.addEventListener("blur", function () {
      setTimeout(close, 150);
    });
  }

  function enhanceAll() {
    document.querySelectorAll("[data-combobox]").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhanceAll);
  } else {
    enhanceAll();
  }
})();
