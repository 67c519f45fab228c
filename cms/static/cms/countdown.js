// Ticks the countdown of a challenge page. The server renders the remaining time, so
// the page reads right without JavaScript; this only keeps it current.
(function () {
  "use strict";
  function tick(element) {
    var text = element.querySelector("[data-countdown-text]");
    var deadline = Date.parse(element.getAttribute("data-deadline"));
    if (!text || isNaN(deadline)) {
      return false;
    }
    var minutes = Math.floor((deadline - Date.now()) / 60000);
    if (minutes < 0) {
      text.textContent = element.getAttribute("data-ended");
      return false;
    }
    text.textContent = element
      .getAttribute("data-format")
      .replace("{d}", String(Math.floor(minutes / 1440)))
      .replace("{h}", String(Math.floor(minutes / 60) % 24))
      .replace("{m}", String(minutes % 60));
    return true;
  }
  function start() {
    var elements = document.querySelectorAll("[data-countdown]");
    Array.prototype.forEach.call(elements, function (element) {
      if (!tick(element)) {
        return;
      }
      var timer = window.setInterval(function () {
        if (!tick(element)) {
          window.clearInterval(timer);
        }
      }, 15000);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
