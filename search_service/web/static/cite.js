// Report page: the 引用 links copy a citation instead of opening it.
// Without this script each link still opens the citation as plain text
// (GET /api/v1/reports/<id>/citation?paragraph=p17), so nothing depends on it.
(function () {
  "use strict";

  var report = document.querySelector("article.report");
  if (!report || !window.fetch) return;
  var status = report.querySelector(".cite-status");

  function copyWithSelection(text) {
    var box = document.createElement("textarea");
    box.value = text;
    box.setAttribute("readonly", "");
    box.style.position = "fixed";
    box.style.opacity = "0";
    document.body.appendChild(box);
    box.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(box);
    return ok;
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () {
        if (!copyWithSelection(text)) throw new Error("copy refused");
      });
    }
    return copyWithSelection(text) ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  function say(link, message) {
    if (status) status.textContent = message;
    link.setAttribute("data-done", message);
    link.classList.add("done");
    window.setTimeout(function () { link.classList.remove("done"); }, 2500);
  }

  report.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a.cite, a.cite-action") : null;
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    var paragraph = link.getAttribute("data-paragraph");
    if (paragraph) {
      // The paragraph is marked, as when its link is followed.
      if (window.history && history.replaceState) history.replaceState(null, "", "#" + paragraph);
      var target = document.getElementById(paragraph);
      if (target) {
        document.querySelectorAll(".para.cited").forEach(function (p) { p.classList.remove("cited"); });
        target.classList.add("cited");
      }
    }
    // The date consulted is the reader's today; it is in the URL, so that a
    // citation cached on another day is not reused.
    var now = new Date();
    var today = now.getFullYear() + "-" + ("0" + (now.getMonth() + 1)).slice(-2) + "-" + ("0" + now.getDate()).slice(-2);
    var url = link.href + (link.href.indexOf("?") < 0 ? "?" : "&") + "consulted=" + today;
    fetch(url, { headers: { Accept: "text/plain" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (text) { return copy(text.replace(/\s+$/, "")).then(function () { return text; }); })
      .then(function () { say(link, paragraph ? "已复制第" + paragraph.slice(1) + "段的引用" : "已复制本报告的引用"); })
      .catch(function () { window.location.href = link.href; });
  });
})();
