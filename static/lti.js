// Claim Check: take a deep-linking choice straight back to the LMS. Without JavaScript the page
// shows the same form with its button.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var form = document.querySelector("form[data-auto-submit]");
  if (form) form.submit();
});
