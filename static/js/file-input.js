// The portal's file input (PlanFileInput): after a file is chosen, say its name and size,
// and warn at once when it is over the limit, before a slow upload is even started.
(function () {
  "use strict";

  function formatSize(bytes) {
    var lang = document.documentElement.lang || "vi";
    var number = function (value, digits) {
      return new Intl.NumberFormat(lang, { maximumFractionDigits: digits }).format(value);
    };
    if (bytes < 1024) {
      return number(bytes, 0) + " B";
    }
    if (bytes < 1024 * 1024) {
      return number(bytes / 1024, 0) + " KB";
    }
    return number(bytes / (1024 * 1024), 1) + " MB";
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, key) {
      return key in values ? values[key] : whole;
    });
  }

  function update(input) {
    var output = document.getElementById(input.id + "_chosen");
    if (!output) {
      return;
    }
    var file = input.files && input.files[0];
    output.classList.remove("text-danger");
    if (!file) {
      output.textContent = "";
      return;
    }
    var limit = parseInt(input.getAttribute("data-max-bytes"), 10) || 0;
    var values = { name: file.name, size: formatSize(file.size), limit: formatSize(limit) };
    if (limit && file.size > limit) {
      output.textContent = fill(output.getAttribute("data-too-big"), values);
      output.classList.add("text-danger");
      input.value = "";
      return;
    }
    output.textContent = fill(output.getAttribute("data-chosen"), values);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-file-input] input[type=file]").forEach(function (input) {
      input.addEventListener("change", function () {
        update(input);
      });
      update(input); // a file kept by the browser after "back"
    });
  });
})();
