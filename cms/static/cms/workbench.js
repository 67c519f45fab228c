/* Workbench: narrow the city and district selects to the chosen province and city,
   check files before they are uploaded, and keep the completeness panel up to date.
   Without this script every option stays available and the server checks everything. */
(function () {
  "use strict";

  function narrow(select, original, prefix) {
    var current = select.value;
    select.innerHTML = "";
    Array.prototype.forEach.call(original.children, function (node) {
      if (node.tagName === "OPTION") {
        if (!node.value) { select.appendChild(node.cloneNode(true)); }
        return;
      }
      var group = node.cloneNode(false);
      Array.prototype.forEach.call(node.children, function (option) {
        if (!prefix || option.value.indexOf(prefix) === 0) {
          group.appendChild(option.cloneNode(true));
        }
      });
      if (group.children.length) { select.appendChild(group); }
    });
    select.value = current;
    if (select.value !== current) { select.value = ""; }
  }

  function setUp(box) {
    var selects = box.querySelectorAll("select");
    if (selects.length !== 3) { return; }
    var province = selects[0], city = selects[1], district = selects[2];
    var allCities = city.cloneNode(true), allDistricts = district.cloneNode(true);

    function update() {
      var provincePrefix = province.value ? province.value.slice(0, 2) : "";
      narrow(city, allCities, provincePrefix);
      var cityPrefix = city.value ? city.value.slice(0, 4) : provincePrefix;
      narrow(district, allDistricts, cityPrefix);
    }

    province.addEventListener("change", update);
    city.addEventListener("change", update);
    update();
  }

  /* Files: the type (the input's accept list) and the size (data-max-bytes) are
     checked when chosen, before anything is uploaded; the server checks again. */
  function accepted(file, accept) {
    if (!accept) { return true; }
    var name = file.name.toLowerCase();
    return accept.split(",").some(function (item) {
      var rule = item.trim().toLowerCase();
      if (!rule) { return false; }
      if (rule.charAt(0) === ".") { return name.slice(-rule.length) === rule; }
      if (rule.slice(-2) === "/*") { return file.type.indexOf(rule.slice(0, -1)) === 0; }
      return file.type === rule;
    });
  }

  function checkFiles(input) {
    var max = parseInt(input.getAttribute("data-max-bytes"), 10);
    var problems = [];
    Array.prototype.forEach.call(input.files || [], function (file) {
      if (!accepted(file, input.getAttribute("accept"))) {
        problems.push((input.getAttribute("data-wrong-type") || "").replace("{name}", file.name));
      } else if (max && file.size > max) {
        problems.push((input.getAttribute("data-too-big") || "").replace("{name}", file.name));
      }
    });
    var box = input.parentNode.querySelector(".file-check-error");
    if (!box) {
      box = document.createElement("p");
      box.className = "errorlist file-check-error";
      box.setAttribute("role", "alert");
      input.parentNode.appendChild(box);
    }
    box.textContent = problems.join(" ");
    box.hidden = problems.length === 0;
    if (problems.length) {
      input.value = "";  // nothing that would be refused is sent
      input.setAttribute("aria-invalid", "true");
    } else {
      input.removeAttribute("aria-invalid");
    }
  }

  /* Completeness: the server scores the form's current values (its rules are the
     only rules) a moment after the owner stops typing. */
  function liveCompleteness(form) {
    var url = form.getAttribute("data-completeness-url");
    var timer = null;
    var sent = 0;
    if (!url || !window.fetch || !window.FormData) { return; }

    function refresh() {
      var data = new FormData(form);
      var body = new FormData();
      data.forEach(function (value, key) {
        if (typeof value === "string") { body.append(key, value); }
      });
      var ticket = ++sent;
      fetch(url, { method: "POST", body: body, credentials: "same-origin",
                   headers: { "X-Requested-With": "fetch" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (result) {
          var panel = document.querySelector(".completeness-panel");
          if (!result || ticket !== sent || !panel) { return; }
          var holder = document.createElement("div");
          holder.innerHTML = result.html;
          var fresh = holder.querySelector(".completeness-panel");
          if (fresh) {
            fresh.setAttribute("data-score", String(result.score));
            panel.parentNode.replaceChild(fresh, panel);
          }
        })
        .catch(function () { /* the panel keeps its last state */ });
    }

    function later() {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, 600);
    }
    form.addEventListener("input", later);
    form.addEventListener("change", later);
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-region-select]"), setUp);
    Array.prototype.forEach.call(
      document.querySelectorAll("input[type=file][data-max-bytes]"),
      function (input) {
        input.addEventListener("change", function () { checkFiles(input); });
      }
    );
    Array.prototype.forEach.call(document.querySelectorAll("form[data-completeness-url]"), liveCompleteness);
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
