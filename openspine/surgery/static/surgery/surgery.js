// Operation form helpers: level quick picks and the live duration. No inline scripts (CSP).
document.addEventListener("DOMContentLoaded", function () {
  function setLevel(id, label) {
    var select = document.getElementById(id);
    if (!select) { return; }
    for (var i = 0; i < select.options.length; i++) {
      if (select.options[i].text === label) { select.value = select.options[i].value; }
    }
  }
  document.querySelectorAll("[data-levels]").forEach(function (chip) {
    chip.addEventListener("click", function () {
      var parts = chip.dataset.levels.split("-");
      setLevel("id_level_from", parts[0]);
      setLevel("id_level_to", parts[1] || parts[0]);
    });
  });

  var start = document.getElementById("id_started_at");
  var end = document.getElementById("id_ended_at");
  var output = document.getElementById("op-duration");
  function minutes(input) {
    var parts = (input.value || "").split(":");
    return parts.length < 2 ? null : parseInt(parts[0], 10) * 60 + parseInt(parts[1], 10);
  }
  function showDuration() {
    var a = minutes(start), b = minutes(end);
    if (a === null || b === null) { output.textContent = "—"; return; }
    var nextDay = b <= a, total = nextDay ? b + 1440 - a : b - a;
    var text = output.dataset.format.replace("{h}", Math.floor(total / 60)).replace("{m}", total % 60);
    output.textContent = nextDay ? text + " " + output.dataset.nextDay : text;
  }
  if (start && end && output) {
    start.addEventListener("input", showDuration);
    end.addEventListener("input", showDuration);
    showDuration();
  }
});
