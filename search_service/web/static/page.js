// Progressive enhancement only: every feature below also works without it
// through plain links and forms.
(function () {
  "use strict";

  function typing(event) {
    var t = event.target;
    return event.ctrlKey || event.metaKey || event.altKey ||
      (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable));
  }

  // Search form: leave empty year boxes out of the URL.
  var form = document.querySelector("form.search");
  if (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("input[type=number]").forEach(function (input) {
        if (!input.value) input.disabled = true;
      });
    });
    window.addEventListener("pageshow", function () {
      form.querySelectorAll("input[type=number]").forEach(function (input) { input.disabled = false; });
    });
  }

  // "/" focuses the search box.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || typing(event)) return;
    var box = document.querySelector("input[name=q]");
    if (box) { event.preventDefault(); box.focus(); box.select(); }
  });

  // Report page: n / p step through the marks; the bar follows the current one.
  var report = document.querySelector("article.report");
  var total = report ? parseInt(report.getAttribute("data-marks"), 10) || 0 : 0;
  if (!total) return;
  var prev = document.getElementById("prev-match");
  var next = document.getElementById("next-match");
  var position = document.getElementById("match-position");

  function current() {
    var m = /^#m(\d+)$/.exec(window.location.hash);
    var k = m ? parseInt(m[1], 10) : 0;
    return k >= 1 && k <= total ? k : 0;
  }
  function wrap(k) { return ((k - 1 + total) % total) + 1; }
  function update() {
    var k = current();
    if (prev) prev.setAttribute("href", "#m" + (k ? wrap(k - 1) : total));
    if (next) next.setAttribute("href", "#m" + (k ? wrap(k + 1) : 1));
    if (position) position.textContent = k ? "第 " + k + " / " + total + " 处" : "";
  }
  function go(step) {
    var k = current();
    var target = k ? wrap(k + step) : (step > 0 ? 1 : total);
    window.location.hash = "m" + target;
  }
  window.addEventListener("hashchange", update);
  update();
  document.addEventListener("keydown", function (event) {
    if (typing(event)) return;
    if (event.key === "n" || event.key === "j") { event.preventDefault(); go(1); }
    else if (event.key === "p" || event.key === "k") { event.preventDefault(); go(-1); }
  });
})();
