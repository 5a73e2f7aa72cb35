// Optional: adds the reader's local time after each <time data-local> (pages work without it).
document.querySelectorAll("time[data-local]").forEach(function (el) {
  var d = new Date(el.getAttribute("datetime"));
  if (isNaN(d)) { return; }
  var span = document.createElement("span");
  span.className = "muted";
  span.textContent = " (your time: " + d.toLocaleString([], {dateStyle: "medium", timeStyle: "short"}) + ")";
  el.after(span);
});
