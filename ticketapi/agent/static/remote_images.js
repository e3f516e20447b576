// "Show remote images": a mail's remote images are kept as data-src, which no browser
// loads (inbound/html_mail.py: often a tracking pixel). The button of a message, hidden
// without this script, copies data-src back to src for that message only, on the click.
(function () {
  "use strict";
  var REMOTE = /^https?:\/\//i;

  function show(button) {
    var scope = button.closest("article, section");
    if (!scope) return;
    scope.querySelectorAll(".message-body img[data-src]").forEach(function (image) {
      var url = image.getAttribute("data-src");
      if (REMOTE.test(url)) image.setAttribute("src", url);
      image.removeAttribute("data-src");
    });
    button.hidden = true;
  }

  document.querySelectorAll("button[data-remote-images]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      show(button);
    });
  });
})();
