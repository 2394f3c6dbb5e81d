// A seat's page takes the keyboard as soon as the UI draws: a person who follows the
// seat's link types their name straight away, without clicking the terminal first.
(function () {
  "use strict";
  function focusTerminal() {
    var input = document.querySelector("#terminal .xterm-helper-textarea");
    if (input) { input.focus({ preventScroll: true }); }
    return input !== null;
  }
  function whenDrawn() {
    if (document.body.classList.contains("-first-byte")) { focusTerminal(); return; }
    var watcher = new MutationObserver(function () {
      if (document.body.classList.contains("-first-byte")) {
        watcher.disconnect();
        focusTerminal();
      }
    });
    watcher.observe(document.body, { attributes: true, attributeFilter: ["class"] });
  }
  window.addEventListener("load", whenDrawn);
  // back on the page (another tab, the address bar): the keyboard returns to the seat
  window.addEventListener("focus", focusTerminal);
})();
