// Claim Check: load the local htmx when the CDN copy did not arrive, move focus after swaps,
// and, inside a course page's frame, report the page height and remember the attempt.
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

  // A poll that swaps the dashboard in again keeps each table where the teacher scrolled it
  // (htmx itself puts focus back on the element with the same id).
  var scrolled = {};
  document.addEventListener("htmx:beforeSwap", function (event) {
    scrolled = {};
    var regions = event.detail.target.querySelectorAll(".table-wrap[id]");
    regions.forEach(function (el) { scrolled[el.id] = el.scrollLeft; });
  });
  document.addEventListener("htmx:afterSwap", function () {
    Object.keys(scrolled).forEach(function (id) {
      var el = document.getElementById(id);
      if (el) el.scrollLeft = scrolled[id];
    });
    scrolled = {};
  });

  if (window.parent === window) return;

  // htmx requests from inside a frame say so, so fragments keep the framed wording.
  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-Claim-Check-Embedded"] = "1";
  });

  // Resize protocol: our own message, and the one Canvas and other LMSs listen for. The height
  // is not secret, so any parent may read it; the host script checks where it came from.
  var lastHeight = 0;
  function postHeight() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === lastHeight) return;
    lastHeight = height;
    window.parent.postMessage({ type: "claim-check:resize", height: height }, "*");
    window.parent.postMessage({ subject: "lti.frameResize", height: height }, "*");
  }
  document.addEventListener("DOMContentLoaded", function () {
    postHeight();
    if ("ResizeObserver" in window) new ResizeObserver(postHeight).observe(document.body);
  });
  window.addEventListener("load", postHeight);
  document.addEventListener("htmx:afterSettle", postHeight);

  // The course page resizes the frame only after the focus has moved to what htmx swapped in
  // (the height message crosses to another process): on a slow device the browser scrolls the
  // course page to the heading while the frame is still its old size, and the heading then
  // ends up below the fold. So when the frame did not yet fit, show the heading again once it
  // does (once: a later resize, like opening a disclosure, must not move the page).
  var toReveal = null;
  document.addEventListener("htmx:afterSettle", function () {
    var content = document.documentElement.getBoundingClientRect().height;
    var focused = document.activeElement;
    var pending = Math.abs(content - window.innerHeight) > 1;
    toReveal = pending && focused && focused !== document.body ? focused : null;
  });
  window.addEventListener("resize", function () {
    var target = toReveal;
    toReveal = null;
    if (target && document.activeElement === target) target.scrollIntoView({ block: "nearest" });
  });

  // Resume inside a frame: this tab's attempt for a set is kept in sessionStorage (this
  // origin's, partitioned by the course site), so reloading the course page continues it and
  // a new tab or another student's session starts afresh. Where storage is blocked the page
  // still works; the student just starts again.
  document.addEventListener("DOMContentLoaded", function () {
    try {
      var store = window.sessionStorage;
      var current = document.querySelector("[data-resume-url]");
      if (current) {
        store.setItem("claim-check:" + current.dataset.resumeSet, current.dataset.resumeUrl);
        return;
      }
      var start = document.querySelector("[data-resume-set]");
      if (!start) return;
      var saved = store.getItem("claim-check:" + start.dataset.resumeSet);
      if (saved && /^\/[^\/\\]/.test(saved)) window.location.replace(saved);
    } catch (e) {
      // Storage blocked in this frame: nothing to resume from.
    }
  });
  document.addEventListener("htmx:afterSettle", function () {
    try {
      var current = document.querySelector("[data-resume-url]");
      if (current) {
        window.sessionStorage.setItem("claim-check:" + current.dataset.resumeSet, current.dataset.resumeUrl);
      }
    } catch (e) {
      // Storage blocked: see above.
    }
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
