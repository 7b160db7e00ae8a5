// ISNCSCI worksheet: "copy normal" into empty cells, NT upper-casing, Enter moves down the column.
// No inline scripts (CSP); the live classification itself is plain HTMX on the form.
(function () {
  "use strict";
  function cells(form) { return Array.prototype.slice.call(form.querySelectorAll("input.cell")); }

  function copyNormal(form) {
    cells(form).forEach(function (input) {
      if (!input.value.trim()) { input.value = input.dataset.normal; }
    });
    ["VAC", "DAP"].forEach(function (name) {
      var select = form.querySelector("select[name=" + name + "]");
      if (select && !select.value) { select.value = "Yes"; }
    });
    // one custom event, so the classification is asked for once rather than per cell
    form.dispatchEvent(new Event("ws-filled"));
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("ws-form");
    if (!form) { return; }
    var button = document.getElementById("ws-copy-normal");
    if (button) { button.addEventListener("click", function () { copyNormal(form); }); }
    form.addEventListener("input", function (event) {
      var input = event.target;
      if (input.classList && input.classList.contains("cell") && /[a-z]/.test(input.value)) {
        input.value = input.value.toUpperCase();
      }
    });
    form.addEventListener("keydown", function (event) {
      var input = event.target;
      if (event.key !== "Enter" || !input.classList || !input.classList.contains("cell")) { return; }
      event.preventDefault();
      var all = cells(form);
      var next = all[all.indexOf(input) + (event.shiftKey ? -1 : 1)];
      if (next) { next.focus(); next.select(); }
    });
  });
})();
