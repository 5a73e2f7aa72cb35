// Optional: adds the reader's local time after each <time data-local> (pages work without it).
// The words come from the page (data-local-label on the script tag), in the page's language.
(function () {
  var script = document.currentScript;
  var label = (script && script.getAttribute("data-local-label")) || "your time: %s";
  var lang = document.documentElement.lang || undefined;
  document.querySelectorAll("time[data-local]").forEach(function (el) {
    var d = new Date(el.getAttribute("datetime"));
    if (isNaN(d)) { return; }
    var span = document.createElement("span");
    span.className = "muted";
    var local = d.toLocaleString(lang, {dateStyle: "medium", timeStyle: "short"});
    span.textContent = " (" + label.replace("%s", local) + ")";
    el.after(span);
  });
})();
