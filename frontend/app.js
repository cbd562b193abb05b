/* Waymark's small script. Everything works without it; it adds the service worker
 * (offline reading, installable app) and a few kindnesses. No inline script anywhere:
 * the CSP forbids it. */
"use strict";
(function () {
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
    if (document.body && document.body.dataset.signedOut) {
      navigator.serviceWorker.ready.then(function (reg) {
        if (reg.active) reg.active.postMessage({ type: "signed-out" });
      });
    }
  }
  function focusErrors(root) {
    var summary = (root || document).querySelector("[data-autofocus]");
    if (summary) summary.focus();
  }
  document.addEventListener("DOMContentLoaded", function () { focusErrors(document); });
  document.addEventListener("htmx:afterSwap", function (e) { focusErrors(e.target); });
})();
