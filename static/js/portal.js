// Small behaviours without inline scripts (the Content-Security-Policy forbids them).
document.addEventListener("DOMContentLoaded", function () {
  // Ask before a destructive or final action: <button data-confirm="...">.
  document.querySelectorAll("[data-confirm]").forEach(function (el) {
    el.addEventListener("click", function (event) {
      if (!window.confirm(el.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    });
  });
  // "Select all" checkbox for bulk actions: <input type="checkbox" data-check-all="name">.
  document.querySelectorAll("[data-check-all]").forEach(function (box) {
    box.addEventListener("change", function () {
      var name = box.getAttribute("data-check-all");
      document.querySelectorAll('input[type="checkbox"][name="' + name + '"]').forEach(function (b) {
        b.checked = box.checked;
      });
    });
  });
  // A table wider than the screen scrolls inside its own box: while it does, the box can be
  // reached with the keyboard (to scroll it with the arrow keys) and is named after the
  // table's caption or the heading above it (WCAG 2.1.1; axe "scrollable-region-focusable").
  function headingBefore(el) {
    for (; el && el !== document.body; el = el.parentElement) {
      for (var prev = el.previousElementSibling; prev; prev = prev.previousElementSibling) {
        if (/^H[1-6]$/.test(prev.tagName)) return prev.textContent.trim();
        var inside = prev.querySelectorAll("h1, h2, h3, h4, h5, h6");
        if (inside.length) return inside[inside.length - 1].textContent.trim();
      }
    }
    return document.title;
  }
  function tableName(box) {
    var table = box.querySelector("table");
    if (table && table.getAttribute("aria-label")) return table.getAttribute("aria-label");
    if (table && table.caption) return table.caption.textContent.trim();
    return headingBefore(box);
  }
  function markScrolling(box) {
    var scrolls = box.scrollWidth > box.clientWidth + 1;
    if (scrolls && !box.hasAttribute("tabindex")) {
      // Remember what was added, to take exactly that away when the box fits again.
      var added = ["tabindex"];
      box.setAttribute("tabindex", "0");
      if (!box.hasAttribute("role")) {
        box.setAttribute("role", "region");
        added.push("role");
      }
      if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
        box.setAttribute("aria-label", tableName(box));
        added.push("aria-label");
      }
      box.setAttribute("data-scroll-focus", added.join(" "));
    } else if (!scrolls && box.hasAttribute("data-scroll-focus")) {
      box.getAttribute("data-scroll-focus").split(" ").forEach(function (name) {
        box.removeAttribute(name);
      });
      box.removeAttribute("data-scroll-focus");
    }
  }
  var boxes = document.querySelectorAll(".table-responsive");
  if (window.ResizeObserver) {
    var observer = new ResizeObserver(function (entries) {
      entries.forEach(function (entry) { markScrolling(entry.target); });
    });
    boxes.forEach(function (box) { observer.observe(box); });
  } else {
    boxes.forEach(markScrolling);
  }
});
