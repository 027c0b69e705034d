// Filter for long checkbox lists (core/formwidgets.py FilterableCheckboxes, such as the
// 249 countries of a knowledge question). Without this script the list is a set of folded
// groups (<details>) that works alone; with it, a search field above the groups shows only
// the boxes whose name (or other name, or code) has a word starting with what was typed,
// opens the groups that have one, and says how many were found in a live region.
// Ticked boxes stay ticked when they are filtered out of sight: they are still posted.
// The texts come from the template, translated; {n} stands for the number (a "%" in a
// template's translate tag would be doubled in the message id and miss its translation).
(function () {
  "use strict";

  function fold(text) {
    return (text || "")
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase();
  }

  function enhance(root) {
    var box = root.querySelector(".choice-filter");
    var input = root.querySelector("[data-choice-filter-input]");
    var status = root.querySelector("[data-choice-filter-status]");
    if (!box || !input || root.dataset.choiceFilterReady) return;
    root.dataset.choiceFilterReady = "1";
    box.hidden = false;
    var groups = Array.prototype.slice.call(root.querySelectorAll("[data-choice-group]"));
    var items = groups.map(function (group) {
      return Array.prototype.slice.call(group.querySelectorAll("li[data-choice-search]")).map(
        function (item) {
          return { element: item, words: " " + fold(item.dataset.choiceSearch) };
        }
      );
    });
    var timer = null;

    function apply() {
      var needle = fold(input.value.trim());
      var found = 0;
      groups.forEach(function (group, index) {
        var shown = 0;
        items[index].forEach(function (item) {
          var hit = !needle || item.words.indexOf(" " + needle) !== -1;
          item.element.hidden = !hit;
          if (hit) shown += 1;
        });
        group.hidden = shown === 0;
        // While filtering, open every group with a match; afterwards, the ticked ones.
        group.open = needle ? shown > 0 : group.querySelector("input:checked") !== null;
        found += shown;
      });
      if (!needle) {
        status.textContent = "";
      } else if (found) {
        status.textContent = root.dataset.countText.replace("{n}", found);
      } else {
        status.textContent = root.dataset.noneText;
      }
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(apply, 150);
    });
    input.addEventListener("keydown", function (event) {
      // Enter in the search field filters at once instead of sending the whole form.
      if (event.key === "Enter") {
        event.preventDefault();
        window.clearTimeout(timer);
        apply();
      }
    });
    root.addEventListener("change", function (event) {
      var group = event.target.closest("[data-choice-group]");
      if (!group) return;
      var count = group.querySelectorAll("input:checked").length;
      var summary = group.querySelector("summary");
      var badge = summary.querySelector(".choice-count");
      if (!badge) {
        badge = document.createElement("span");
        badge.className = "choice-count";
        summary.appendChild(document.createTextNode(" "));
        summary.appendChild(badge);
      }
      badge.textContent = count ? "(" + root.dataset.chosenText.replace("{n}", count) + ")" : "";
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-choice-filter]"), enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
