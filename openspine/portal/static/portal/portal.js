// Patient portal: only progressive enhancement; every page works without this file.
// A second tap on a submit button while the page is loading must not send the form twice.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.dataset.sent) { event.preventDefault(); return; }
  form.dataset.sent = "1";
  form.querySelectorAll("button[type=submit]").forEach(function (button) {
    // Disable after the submit event has carried the button's own name and value.
    setTimeout(function () { button.disabled = true; }, 0);
  });
});
// Coming back with the browser's Back button shows the cached page: make its buttons usable again.
window.addEventListener("pageshow", function () {
  document.querySelectorAll("form[data-sent]").forEach(function (form) {
    delete form.dataset.sent;
    form.querySelectorAll("button[type=submit]").forEach(function (button) { button.disabled = false; });
  });
});
