/* Workbench: narrow the city and district selects to the chosen province and city.
   Without this script every option stays available and the server checks the choice. */
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

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-region-select]"), setUp);
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
