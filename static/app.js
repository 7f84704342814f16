// Claim Check: load the local htmx when the CDN copy did not arrive, and move focus after swaps.
(function () {
  "use strict";
  var me = document.currentScript;
  if (!window.htmx && me && me.dataset.htmxFallback) {
    var local = document.createElement("script");
    local.src = me.dataset.htmxFallback;
    document.head.appendChild(local);
  }
  // After htmx swaps in new content, focus its marked heading so keyboard and screen-reader
  // users land on what changed (the feedback, or the next question).
  document.addEventListener("htmx:afterSettle", function () {
    var marked = document.querySelectorAll("[data-autofocus]");
    if (!marked.length) return;
    var target = marked[marked.length - 1];
    marked.forEach(function (el) { el.removeAttribute("data-autofocus"); });
    target.focus();
  });
})();
// Teacher forms: fill an untouched time-zone field with the browser's own zone.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var field = document.querySelector("[data-browser-timezone]");
  if (!field || field.value !== "UTC" || !window.Intl) return;
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone) field.value = zone;
});
