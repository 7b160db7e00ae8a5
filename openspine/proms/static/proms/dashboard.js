// Completion per timepoint as horizontal bars, from the json_script data (no inline script: CSP).
document.addEventListener("DOMContentLoaded", function () {
  var source = document.getElementById("completion-data");
  var chart = document.getElementById("completion-chart");
  if (!source || !chart) return;
  JSON.parse(source.textContent).forEach(function (row) {
    var line = document.createElement("div");
    line.className = "bar-row";
    var label = document.createElement("span");
    label.className = "bar-label";
    label.textContent = row.label;
    var track = document.createElement("span");
    track.className = "bar-track";
    var bar = document.createElement("span");
    bar.className = "bar";
    bar.style.width = (row.percent || 0) + "%";
    var value = document.createElement("span");
    value.className = "bar-value";
    value.textContent = row.percent === null ? "—" : row.percent + "% (n=" + row.eligible + ")";
    track.appendChild(bar);
    line.append(label, track, value);
    chart.appendChild(line);
  });
});
