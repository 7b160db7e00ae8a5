// Small, dependency-free helpers. Inline scripts are forbidden by the CSP, so behaviour lives here.
document.addEventListener("htmx:configRequest", function (event) {
  var token = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (token) { event.detail.headers["X-CSRFToken"] = token.value; }
});
