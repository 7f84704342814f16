// Claim Check host script: resizes each <iframe data-claim-check> on this page to the height its
// quiz reports. Only messages from the Claim Check server this script came from are accepted.
(function () {
  "use strict";
  var me = document.currentScript;
  if (!me) return;
  var origin = new URL(me.src, window.location.href).origin;
  var MAX_HEIGHT = 20000; // px: a bound on what a frame may ask for

  window.addEventListener("message", function (event) {
    if (event.origin !== origin) return;
    var data = event.data;
    if (!data || (data.type !== "claim-check:resize" && data.subject !== "lti.frameResize")) return;
    var height = Number(data.height);
    if (!(height > 0 && height <= MAX_HEIGHT)) return;
    var frames = document.querySelectorAll("iframe[data-claim-check]");
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === event.source) {
        frames[i].style.height = Math.ceil(height) + "px";
      }
    }
  });
})();
