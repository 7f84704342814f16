// Claim Check: load the local htmx when the CDN copy did not arrive, move focus after swaps,
// and, inside a course page's frame, report the page height and remember the attempt.
(function () {
  "use strict";
  // The CDN's htmx did not arrive (blocked, offline, or refused by its integrity check): load
  // the bundled copy. htmx 2 starts itself (reads its <meta> config, watches the history,
  // processes the body) on DOMContentLoaded, or at once if the document is already "complete".
  // A script added now would run after DOMContentLoaded but before "complete" (it holds back
  // the load event), so it would wait for an event that never comes again. Added after the
  // load event, it finds the document complete and starts at once, exactly as from the CDN.
  var me = document.currentScript;
  if (!window.htmx && me && me.dataset.htmxFallback) {
    var fallback = me.dataset.htmxFallback;
    var loadLocalHtmx = function () {
      var local = document.createElement("script");
      local.src = fallback;
      document.head.appendChild(local);
    };
    if (document.readyState === "complete") loadLocalHtmx();
    else window.addEventListener("load", loadLocalHtmx);
  }
  // After htmx swaps in new content, focus its marked heading so keyboard and screen-reader
  // users land on what changed (the feedback, or the next question).
  // A class page's quiet refetch after a reveal (below) leaves focus where it is.
  var keepFocus = false;
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var cause = evt.detail.requestConfig && evt.detail.requestConfig.triggeringEvent;
    keepFocus = !!(cause && cause.type === "class:refetch");
  });
  document.addEventListener("htmx:afterSettle", function () {
    var marked = document.querySelectorAll("[data-autofocus]");
    if (!marked.length) return;
    var target = marked[marked.length - 1];
    marked.forEach(function (el) { el.removeAttribute("data-autofocus"); });
    if (keepFocus) { keepFocus = false; return; }
    target.focus();
  });

  // Network trouble is said where the person looks, never silently dropped. An element that
  // makes htmx requests names its words: data-busy-text while its request is out (the place is
  // aria-busy meanwhile, so a screen reader waits for the result), data-offline-text when the
  // server cannot be reached, data-error-text when it answers with a server error. They go
  // into the element its data-status selects, or else the request's target. While the last
  // form sent failed, text that says the answers are saved ([data-says-saved]) is hidden.
  var focusedBefore = null;
  function statusPlace(detail) {
    var selector = detail.elt && detail.elt.getAttribute("data-status");
    return selector ? document.querySelector(selector) : detail.target;
  }
  function say(place, text, state) {
    var note = place.querySelector(":scope > .network-note");
    if (note && note.textContent === text) return; // said already: not announced again
    note = document.createElement("span");
    note.className = "network-note network-" + state;
    note.textContent = text;
    place.replaceChildren(note);
  }
  function showSaved(shown) {
    document.querySelectorAll("[data-says-saved]").forEach(function (el) { el.hidden = !shown; });
  }
  function failed(event, words) {
    var place = statusPlace(event.detail);
    var text = event.detail.elt && event.detail.elt.getAttribute(words);
    if (!place || !text) return;
    say(place, text, "failed");
    if (event.detail.elt.tagName === "FORM") showSaved(false); // a link that failed lost nothing
    // The button was disabled while the request was out, which dropped the keyboard focus:
    // give it back, so pressing it again is one key away.
    var active = document.activeElement;
    if (focusedBefore && focusedBefore.isConnected && (!active || active === document.body)) {
      focusedBefore.focus();
    }
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    var place = statusPlace(event.detail);
    var text = event.detail.elt && event.detail.elt.getAttribute("data-busy-text");
    focusedBefore = document.activeElement;
    if (!place || !text) return;
    place.setAttribute("aria-busy", "true");
    say(place, text, "busy");
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var place = statusPlace(event.detail);
    if (!place) return;
    place.removeAttribute("aria-busy");
    var done = event.detail.successful ? ".network-note" : ".network-busy";
    place.querySelectorAll(":scope > " + done).forEach(function (el) { el.remove(); });
    if (event.detail.successful) showSaved(true);
  });
  document.addEventListener("htmx:sendError", function (event) { failed(event, "data-offline-text"); });
  document.addEventListener("htmx:timeout", function (event) { failed(event, "data-offline-text"); });
  document.addEventListener("htmx:responseError", function (event) { failed(event, "data-error-text"); });

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
    // Several heights may be on their way (a "Saving…" note, then the feedback): wait for the
    // resize that makes the frame fit what it shows now.
    var content = document.documentElement.getBoundingClientRect().height;
    if (!toReveal || Math.abs(content - window.innerHeight) > 1) return;
    var target = toReveal;
    toReveal = null;
    if (document.activeElement === target) target.scrollIntoView({ block: "nearest" });
  });

  // Resume inside a frame: this tab's attempt for a set is kept in sessionStorage (this
  // origin's, partitioned by the course site), so reloading the course page continues it and
  // a new tab starts afresh. A public set's start page carries on by itself; an assignment's
  // join page asks "Continue as <name>?" first (#frame-continue), as the tab may be a shared
  // computer's. Where storage is blocked the page still works: the student uses their code.
  var RESUME = "claim-check:";
  var RESUME_NAME = "claim-check-name:";
  function rememberAttempt(store) {
    var current = document.querySelector("[data-resume-url]");
    if (!current) return false;
    store.setItem(RESUME + current.dataset.resumeSet, current.dataset.resumeUrl);
    if (current.dataset.resumeName) {
      store.setItem(RESUME_NAME + current.dataset.resumeSet, current.dataset.resumeName);
    }
    return true;
  }
  function offerToContinue(store, set, saved, prompt) {
    var name = store.getItem(RESUME_NAME + set);
    if (!name) return;
    prompt.querySelectorAll("[data-resume-name]").forEach(function (el) { el.textContent = name; });
    prompt.querySelector("[data-resume-link]").setAttribute("href", saved);
    prompt.querySelector("[data-resume-forget]").addEventListener("click", function () {
      store.removeItem(RESUME + set);
      store.removeItem(RESUME_NAME + set);
      prompt.hidden = true;
      var input = document.getElementById("name");
      if (input) input.focus();
    });
    prompt.hidden = false;
  }
  document.addEventListener("DOMContentLoaded", function () {
    try {
      var store = window.sessionStorage;
      if (rememberAttempt(store)) return;
      var start = document.querySelector("[data-resume-set]");
      if (!start) return;
      var set = start.dataset.resumeSet;
      var saved = store.getItem(RESUME + set);
      if (!saved || !/^\/[^\/\\]/.test(saved)) return;
      var prompt = document.getElementById("frame-continue");
      if (prompt) offerToContinue(store, set, saved, prompt);
      else window.location.replace(saved);
    } catch (e) {
      // Storage blocked in this frame: nothing to resume from.
    }
  });
  document.addEventListener("htmx:afterSettle", function () {
    try {
      rememberAttempt(window.sessionStorage);
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

// Class mode's live updates (templates/class/_live.html): the htmx SSE extension, loaded once
// htmx itself is there (from the CDN or the local copy above): from the CDN with its integrity
// (data-sse-cdn, data-sse-sri), falling back to the local copy (data-sse-local), or only the
// local copy. Then each [data-sse-connect] element connects, and its "changed" events fetch
// the page's live part; a "reveal" event fills the reveal's slot itself. Without the
// extension, or while the stream is down, the page polls every few seconds.
(function () {
  "use strict";
  function connect() {
    document.querySelectorAll("[data-sse-connect]").forEach(function (el) {
      el.setAttribute("sse-connect", el.getAttribute("data-sse-connect"));
      window.htmx.process(el);
    });
  }
  function add(src, sri, onFail) {
    var script = document.createElement("script");
    script.src = src;
    if (sri) {
      script.integrity = sri;
      script.crossOrigin = "anonymous";
      script.referrerPolicy = "no-referrer";
    }
    script.onload = connect;
    if (onFail) script.onerror = onFail;
    document.head.appendChild(script);
  }
  function load(holder, tries) {
    if (!window.htmx) {
      if (tries < 100) setTimeout(function () { load(holder, tries + 1); }, 100);
      return;
    }
    var local = function () { add(holder.dataset.sseLocal, null, null); };
    if (holder.dataset.sseCdn) add(holder.dataset.sseCdn, holder.dataset.sseSri, local);
    else local();
  }
  // While the stream is open, its events say when to fetch, and a fetch that failed is tried
  // again after a tick; while the stream is down (or the extension never loaded) the page
  // polls at every tick. On reconnecting, the stream's first event brings the page up to date.
  var POLL_MS = 3000;
  function poll(holder) {
    var retry = false;
    holder.addEventListener("htmx:sseOpen", function () { holder.dataset.sseOpen = "1"; });
    holder.addEventListener("htmx:sseError", function () { delete holder.dataset.sseOpen; });
    ["htmx:sendError", "htmx:responseError", "htmx:timeout"].forEach(function (name) {
      holder.addEventListener(name, function (evt) { if (evt.detail.elt === holder) retry = true; });
    });
    setInterval(function () {
      if (holder.dataset.sseOpen && !retry) return;
      retry = false;
      window.htmx.trigger(holder, "class:poll");
    }, POLL_MS);
    // A reveal for another claim than the one this page shows (it was offline a while) is
    // not swapped in: the page fetches its step instead.
    holder.addEventListener("htmx:sseBeforeMessage", function (evt) {
      if (!evt.detail || evt.detail.type !== "reveal") return;
      var claim = /data-claim="([^"]*)"/.exec(evt.detail.data);
      if (claim && claim[1] === evt.target.getAttribute("data-claim")) return;
      evt.preventDefault();
      window.htmx.trigger(holder, "class:poll");
    });
    holder.addEventListener("htmx:sseMessage", function (evt) {
      if (!evt.detail || evt.detail.type !== "reveal") return;
      var box = evt.target.querySelector("[data-refetch-within]");
      if (!box) return;
      var within = 1000 * Number(box.getAttribute("data-refetch-within"));
      setTimeout(function () { window.htmx.trigger(holder, "class:refetch"); },
        Math.random() * within);
    });
  }
  function start() {
    var holder = document.querySelector("[data-sse-local]");
    if (!holder) return;
    load(holder, 0);
    (function wait(tries) {  // the poll needs htmx, which may still be loading
      if (window.htmx) poll(holder);
      else if (tries < 100) setTimeout(function () { wait(tries + 1); }, 100);
    })(0);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
