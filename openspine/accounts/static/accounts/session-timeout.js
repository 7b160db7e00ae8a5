// Warn two minutes before the server ends an idle session (T-15; REDCap A.2.2.0800).
// The idle limit and the translated texts come from data attributes on this script element.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) { return; }
  var idleSeconds = parseInt(script.dataset.idleSeconds, 10);
  var warnBefore = 120;
  if (!idleSeconds || idleSeconds <= warnBefore) { return; }
  var timer = null;
  var banner = null;

  function hide() {
    if (banner) { banner.remove(); banner = null; }
  }

  function show() {
    hide();
    banner = document.createElement("div");
    banner.className = "messages session-warning";
    banner.setAttribute("role", "alert");
    var item = document.createElement("p");
    item.className = "message warning";
    item.textContent = script.dataset.warning + " ";
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = script.dataset.stay;
    button.addEventListener("click", function () {
      fetch(script.dataset.pingUrl, { credentials: "same-origin" }).then(restart);
    });
    item.appendChild(button);
    banner.appendChild(item);
    var main = document.querySelector("main") || document.body;
    main.insertBefore(banner, main.firstChild);
  }

  function restart() {
    hide();
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(show, (idleSeconds - warnBefore) * 1000);
  }

  document.addEventListener("htmx:afterRequest", restart);
  restart();
})();
