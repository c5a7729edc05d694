/* The report page: its print buttons print, and while the report is being made the page reloads
 * every data-poll-seconds (set on this <script> element only then). A file, not an inline script,
 * so the Content-Security-Policy can keep script-src 'self'. */
(function () {
  "use strict";

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () {
      window.print();
    });
  });
  var poll = document.currentScript.dataset.pollSeconds;
  if (poll) {
    setTimeout(function () {
      window.location.reload();
    }, Number(poll) * 1000);
  }
})();
