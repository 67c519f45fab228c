/* As-you-type suggestions for search boxes: an ARIA 1.2 combobox with a list box.
 *
 * Progressive enhancement: any <input data-suggest-url> inside a GET form works as a
 * plain search box without this script. With it, typing asks the suggestion endpoint
 * (debounced, stale answers dropped); arrows move through the list, Enter opens a
 * title's listing or searches for a keyword, Escape closes the list.
 */
(function () {
  "use strict";

  var DELAY = 200;
  var MIN_LENGTH = 1;
  var MAX_LENGTH = 30;
  var counter = 0;

  function enhance(input) {
    var form = input.form;
    if (!form || input.dataset.suggestReady) return;
    input.dataset.suggestReady = "1";
    counter += 1;
    var listId = "suggest-list-" + counter;
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "suggest-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", input.dataset.suggestLabel || "Suggestions");
    list.hidden = true;
    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");

    var wrapper = document.createElement("div");
    wrapper.className = "suggest";
    input.parentNode.insertBefore(wrapper, input);
    wrapper.appendChild(input);
    wrapper.appendChild(list);
    wrapper.appendChild(status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("autocomplete", "off");

    var timer = null;
    var controller = null;
    var items = [];
    var active = -1;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function setActive(index) {
      var options = list.children;
      if (active >= 0 && options[active]) options[active].setAttribute("aria-selected", "false");
      active = index;
      if (active >= 0 && options[active]) {
        options[active].setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", options[active].id);
        options[active].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(index) {
      var item = items[index];
      if (!item) return;
      if (item.type === "title" && item.url) {
        window.location.assign(item.url);
        return;
      }
      input.value = item.text;
      close();
      form.submit();
    }

    function render(suggestions) {
      items = suggestions;
      list.textContent = "";
      active = -1;
      suggestions.forEach(function (item, index) {
        var option = document.createElement("li");
        option.id = listId + "-" + index;
        option.className = "suggest-option suggest-" + item.type;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = item.text;
        if (item.kind === "challenge" && item.kind_label) {
          // A challenge's title says it is one (榜单): it leads to the board, not a catalogue.
          var kind = document.createElement("span");
          kind.className = "suggest-kind";
          kind.textContent = " · " + item.kind_label;
          option.appendChild(kind);
        }
        // mousedown, not click: the input must not lose the focus (and close the list).
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(index);
        });
        list.appendChild(option);
      });
      var template = input.dataset.suggestStatus || "%(count)s";
      status.textContent = suggestions.length ? template.replace("%(count)s", suggestions.length) : "";
      if (suggestions.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      } else {
        close();
      }
    }

    function fetchSuggestions() {
      var q = input.value.trim().slice(0, MAX_LENGTH);
      if (q.length < MIN_LENGTH) {
        render([]);
        return;
      }
      if (controller) controller.abort();
      controller = window.AbortController ? new AbortController() : null;
      var params = new URLSearchParams({ q: q });
      var kindField = form.querySelector("input[name=kind]");
      var kind = input.dataset.suggestKind || (kindField && kindField.value) || "";
      if (kind) params.set("kind", kind);
      fetch(input.dataset.suggestUrl + "?" + params.toString(), {
        headers: { Accept: "application/json" },
        signal: controller ? controller.signal : undefined,
      })
        .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
        .then(function (data) {
          // The text changed meanwhile: a newer request is on its way.
          if (input.value.trim().slice(0, MAX_LENGTH) === q) render(data.suggestions || []);
        })
        .catch(function () { /* aborted or offline: the box still works as a form */ });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(fetchSuggestions, DELAY);
    });

    input.addEventListener("keydown", function (event) {
      var open = !list.hidden && items.length > 0;
      if (event.key === "ArrowDown") {
        if (!open) { fetchSuggestions(); return; }
        event.preventDefault();
        setActive(active + 1 >= items.length ? 0 : active + 1);
      } else if (event.key === "ArrowUp" && open) {
        event.preventDefault();
        setActive(active - 1 < 0 ? items.length - 1 : active - 1);
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault();
        choose(active);
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        close();
      }
    });

    input.addEventListener("blur", function () {
      window.setTimeout(close, 100);
    });
  }

  function init() {
    document.querySelectorAll("input[data-suggest-url]").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
