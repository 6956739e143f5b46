// Check a chosen file's size before it is sent: on a weak connection a file over the limit
// would upload for minutes only to be refused. Applies to <input type="file" data-max-bytes="…">;
// the translated message comes from data-too-big. Loaded as a file: the CSP forbids inline code.
(function () {
  "use strict";

  function tooBig(input) {
    var limit = parseInt(input.getAttribute("data-max-bytes"), 10);
    if (!(limit > 0) || !input.files) {
      return false;
    }
    for (var i = 0; i < input.files.length; i++) {
      if (input.files[i].size > limit) {
        return true;
      }
    }
    return false;
  }

  function feedbackFor(input) {
    var id = input.id ? input.id + "-too-big" : "";
    var node = id ? document.getElementById(id) : null;
    if (!node) {
      node = document.createElement("div");
      node.className = "invalid-feedback d-block upload-too-big";
      node.setAttribute("role", "alert");
      if (id) {
        node.id = id;
      }
      input.insertAdjacentElement("afterend", node);
    }
    return node;
  }

  function check(input) {
    var message = "";
    if (tooBig(input)) {
      message = input.getAttribute("data-too-big") || "The file is larger than the limit.";
    }
    input.setCustomValidity(message);
    input.classList.toggle("is-invalid", message !== "");
    var node = feedbackFor(input);
    node.textContent = message;
    node.hidden = message === "";
    return message === "";
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll('input[type="file"][data-max-bytes]').forEach(function (input) {
      // The portal's own file widget (file-input.js) says it in its own words.
      if (input.closest("[data-file-input]")) {
        return;
      }
      input.addEventListener("change", function () {
        if (!check(input)) {
          input.reportValidity();
        }
      });
      // The forms use novalidate (the server's messages are shown instead of the browser's),
      // so stop the submit here while the chosen file is too big.
      if (input.form) {
        input.form.addEventListener("submit", function (event) {
          if (!check(input)) {
            event.preventDefault();
            input.focus();
            input.reportValidity();
          }
        });
      }
    });
  });
})();
