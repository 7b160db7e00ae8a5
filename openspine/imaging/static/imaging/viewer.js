/* Radiograph viewer: plain canvas, guided click protocol, values from the server (imaging.md §5.2).
   Landmarks are kept in original image pixels; pan, zoom, window/level and invert are view only. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("im-config").textContent);
  var canvas = document.getElementById("im-canvas");
  var ctx = canvas.getContext("2d");
  var csrf = document.querySelector("input[name=csrfmiddlewaretoken]").value;
  var text = cfg.text;
  var order = [];
  cfg.steps.forEach(function (step) {
    step.landmarks.forEach(function (lm) { order.push({ name: lm.name, label: lm.label, step: step.code }); });
  });
  var points = Object.assign({}, cfg.landmarks);
  var history = [];
  var skipped = {};
  var active = 0;
  var view = { zoom: 1, tx: 0, ty: 0, inverted: !!cfg.inverted, level: 1, window: 1 };
  var image = new Image();
  var drag = null;
  var lastMoved = null;
  var timer = null;
  var HIT = 8;

  function toCanvas(x, y) { var k = cfg.scale * view.zoom; return [x * k + view.tx, y * k + view.ty]; }
  function toImage(cx, cy) { var k = cfg.scale * view.zoom; return [(cx - view.tx) / k, (cy - view.ty) / k]; }
  function onImage(p) { return p[0] >= -0.5 && p[1] >= -0.5 && p[0] <= cfg.columns - 0.5 && p[1] <= cfg.rows - 0.5; }

  function nextActive(from) {
    for (var i = 0; i < order.length; i++) {
      var j = (from + i) % order.length;
      if (!(order[j].name in points) && !skipped[order[j].name]) { return j; }
    }
    return -1;
  }

  function resize() {
    var dpr = window.devicePixelRatio || 1;
    var box = canvas.parentElement.getBoundingClientRect();
    canvas.style.width = box.width + "px";
    canvas.style.height = box.height + "px";
    canvas.width = Math.round(box.width * dpr);
    canvas.height = Math.round(box.height * dpr);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    draw();
  }

  function fit() {
    var box = canvas.getBoundingClientRect();
    var k = Math.min(box.width / image.naturalWidth, box.height / image.naturalHeight);
    view.zoom = k;
    view.tx = (box.width - image.naturalWidth * k) / 2;
    view.ty = (box.height - image.naturalHeight * k) / 2;
    draw();
  }

  function zoomAt(factor, cx, cy) {
    var before = toImage(cx, cy);
    view.zoom = Math.min(Math.max(view.zoom * factor, 0.05), 40);
    var after = toCanvas(before[0], before[1]);
    view.tx += cx - after[0];
    view.ty += cy - after[1];
    draw();
  }

  function draw() {
    var box = canvas.getBoundingClientRect();
    ctx.clearRect(0, 0, box.width, box.height);
    if (!image.naturalWidth) { return; }
    ctx.save();
    ctx.filter = "brightness(" + view.level + ") contrast(" + view.window + ")" + (view.inverted ? " invert(1)" : "");
    ctx.imageSmoothingEnabled = view.zoom < 2;
    ctx.drawImage(image, view.tx, view.ty, image.naturalWidth * view.zoom, image.naturalHeight * view.zoom);
    ctx.restore();
    cfg.steps.forEach(function (step) {
      var placed = step.landmarks.filter(function (lm) { return lm.name in points; });
      if (placed.length < 2) { return; }
      ctx.beginPath();
      placed.forEach(function (lm, i) {
        var c = toCanvas(points[lm.name][0], points[lm.name][1]);
        if (i === 0) { ctx.moveTo(c[0], c[1]); } else { ctx.lineTo(c[0], c[1]); }
      });
      if (placed.length === 4) { ctx.closePath(); }
      ctx.strokeStyle = "#ffd54a";
      ctx.lineWidth = 1.5;
      ctx.stroke();
    });
    order.forEach(function (lm, i) {
      if (!(lm.name in points)) { return; }
      var c = toCanvas(points[lm.name][0], points[lm.name][1]);
      ctx.beginPath();
      ctx.arc(c[0], c[1], 4, 0, 2 * Math.PI);
      ctx.fillStyle = "#ff5c5c";
      ctx.fill();
    });
  }

  function hit(cx, cy) {
    var best = null;
    Object.keys(points).forEach(function (name) {
      var c = toCanvas(points[name][0], points[name][1]);
      var d = Math.hypot(c[0] - cx, c[1] - cy);
      if (d <= HIT && (!best || d < best.d)) { best = { name: name, d: d }; }
    });
    return best && best.name;
  }

  function setPoint(name, p) {
    history.push({ name: name, prev: points[name] ? points[name].slice() : null });
    points[name] = [Math.round(p[0] * 100) / 100, Math.round(p[1] * 100) / 100];
    lastMoved = name;
    changed();
  }

  function undo() {
    var last = history.pop();
    if (!last) { return; }
    if (last.prev) { points[last.name] = last.prev; } else { delete points[last.name]; }
    changed();
  }

  function changed() {
    active = nextActive(Math.max(active, 0));
    if (active === -1) { active = nextActive(0); }
    renderSteps();
    draw();
    if (!cfg.can_measure) { return; }  // values come from the server, which only measurers may ask
    clearTimeout(timer);
    timer = setTimeout(compute, 120);
  }

  function payload() {
    var marker = document.getElementById("im-marker").value;
    var tk = document.getElementById("im-tk");
    var side = document.getElementById("im-side");
    return JSON.stringify({ landmarks: points, tk_upper_level: tk ? tk.value : "T4",
                            column_direction: side && side.value ? side.value : null,
                            calibration_mm: marker ? Number(marker) : null, inverted: view.inverted });
  }

  function post(url) {
    return fetch(url, { method: "POST", credentials: "same-origin", body: payload(),
                        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf } })
      .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); });
  }

  function status(message, bad) {
    var el = document.getElementById("im-status");
    el.textContent = message;
    el.classList.toggle("bad", !!bad);
  }

  function showErrors(errors) {
    var lines = [];
    Object.keys(errors).forEach(function (k) { lines = lines.concat(errors[k]); });
    status(lines.join(" "), true);
  }

  var state = { values: {}, calibration: null, flags: [], computing: 0 };
  function compute() {
    state.computing += 1;
    return post(cfg.compute).then(function (res) {
      state.computing -= 1;
      if (!res.ok) { showErrors(res.body.errors || {}); return; }
      state.values = res.body.values; state.calibration = res.body.calibration; state.flags = res.body.flags;
      var notes = res.body.flags.map(function (f) { return text.flags[f] || text.review; });
      status(notes.join(" "), res.body.flags.length > 0);
      renderValues();
    });
  }

  function save() {
    status(text.saving);
    return post(cfg.save).then(function (res) {
      if (!res.ok) { showErrors(res.body.errors || {}); return; }
      state.values = res.body.values; state.calibration = res.body.calibration;
      renderValues();
      status(text.saved);
    });
  }

  function renderValues() {
    var body = document.querySelector("#im-values tbody");
    body.textContent = "";
    var label = state.calibration ? state.calibration.label : "none";
    document.getElementById("im-calibration").textContent = cfg.calibrations[label] || label;
    cfg.values.forEach(function (row) {
      var value = state.values[row.key];
      var tr = document.createElement("tr");
      tr.dataset.key = row.key;
      var th = document.createElement("th"); th.textContent = row.label;
      var td = document.createElement("td");
      if (value === null || value === undefined) {
        td.textContent = row.unit === "mm" && label === "none" && state.values.hasOwnProperty(row.key)
          ? text.needs_calibration : "—";
      } else {
        td.textContent = value.toFixed(1) + (row.unit === "°" ? "°" : " " + row.unit);
        if (row.unit === "mm") {
          var note = document.createElement("span");
          note.className = "im-convex";
          note.textContent = cfg.calibrations[label] || label;
          td.appendChild(note);
        }
        var convex = row.side ? state.values[row.side] : null;
        if (convex) {
          var side = document.createElement("span");
          side.className = "im-convex";
          var sides = row.key.indexOf("_cobb") > 0 ? cfg.convex : cfg.translation;
          side.textContent = sides[convex] || convex;
          td.appendChild(side);
        }
      }
      td.className = "num";
      tr.appendChild(th); tr.appendChild(td); body.appendChild(tr);
    });
  }

  function renderSteps() {
    var list = document.getElementById("im-steps");
    list.textContent = "";
    order.forEach(function (lm, i) {
      var li = document.createElement("li");
      li.textContent = lm.label;
      li.dataset.name = lm.name;
      if (lm.name in points) { li.className = "done"; }
      else if (skipped[lm.name]) { li.className = "skipped"; }
      if (i === active) { li.className += " active"; li.setAttribute("aria-current", "step"); }
      li.addEventListener("click", function () { active = i; delete skipped[lm.name]; renderSteps(); });
      list.appendChild(li);
    });
    document.getElementById("im-active-label").textContent = active >= 0 ? order[active].label : text.all_placed;
  }

  function local(e) { var r = canvas.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; }

  canvas.addEventListener("pointerdown", function (e) {
    var c = local(e);
    canvas.setPointerCapture(e.pointerId);
    var name = hit(c[0], c[1]);
    drag = { start: c, last: c, point: name, moved: false };
    if (name) { history.push({ name: name, prev: points[name].slice() }); }
  });
  canvas.addEventListener("pointermove", function (e) {
    if (!drag) { return; }
    var c = local(e);
    if (Math.hypot(c[0] - drag.start[0], c[1] - drag.start[1]) > 4) { drag.moved = true; }
    if (drag.point) {
      var p = toImage(c[0], c[1]);
      if (onImage(p)) { points[drag.point] = [Math.round(p[0] * 100) / 100, Math.round(p[1] * 100) / 100]; }
      lastMoved = drag.point;
    } else if (drag.moved) {
      view.tx += c[0] - drag.last[0]; view.ty += c[1] - drag.last[1];
    }
    drag.last = c;
    draw();
  });
  canvas.addEventListener("pointerup", function (e) {
    if (!drag) { return; }
    var d = drag; drag = null;
    if (d.point) { if (!d.moved) { history.pop(); } else { changed(); } return; }
    if (d.moved || active < 0 || !cfg.can_measure) { return; }
    var p = toImage(d.start[0], d.start[1]);
    if (!onImage(p)) { status(text.outside, true); return; }
    setPoint(order[active].name, p);
  });
  canvas.addEventListener("wheel", function (e) {
    e.preventDefault();
    var c = local(e);
    zoomAt(e.deltaY < 0 ? 1.15 : 1 / 1.15, c[0], c[1]);
  }, { passive: false });

  function act(name) {
    var box = canvas.getBoundingClientRect();
    if (name === "zoom-in") { zoomAt(1.25, box.width / 2, box.height / 2); }
    else if (name === "zoom-out") { zoomAt(0.8, box.width / 2, box.height / 2); }
    else if (name === "fit") { fit(); }
    else if (name === "invert") {
      view.inverted = !view.inverted;
      document.querySelector("[data-act=invert]").setAttribute("aria-pressed", String(view.inverted));
      draw();
    }
    else if (name === "undo") { undo(); }
    else if (name === "skip" && active >= 0) { skipped[order[active].name] = true; active = nextActive(active); renderSteps(); }
    else if (name === "save") { save(); }
  }
  document.querySelectorAll("[data-act]").forEach(function (b) {
    b.addEventListener("click", function () { act(b.dataset.act); });
  });
  document.addEventListener("keydown", function (e) {
    if (e.target.tagName === "INPUT" || e.target.tagName === "SELECT") { return; }
    var key = e.key;
    if (key === "Escape" || key === "Backspace" || (key === "z" && (e.ctrlKey || e.metaKey))) { act("undo"); }
    else if (key === "n" || key === "N") { act("skip"); }
    else if (key === "i" || key === "I") { act("invert"); }
    else if (key === "+" || key === "=") { act("zoom-in"); }
    else if (key === "-") { act("zoom-out"); }
    else if (key === "0") { act("fit"); }
    else if ((key === "s" || key === "S") && cfg.can_measure) { act("save"); }
    else if (key.indexOf("Arrow") === 0 && lastMoved && points[lastMoved]) {
      var step = 0.25;
      var p = points[lastMoved].slice();
      if (key === "ArrowLeft") { p[0] -= step; } else if (key === "ArrowRight") { p[0] += step; }
      else if (key === "ArrowUp") { p[1] -= step; } else { p[1] += step; }
      if (onImage(p)) { setPoint(lastMoved, p); }
    } else { return; }
    e.preventDefault();
  });
  document.getElementById("im-level").addEventListener("input", function (e) { view.level = Number(e.target.value); draw(); });
  document.getElementById("im-window").addEventListener("input", function (e) { view.window = Number(e.target.value); draw(); });
  ["im-marker", "im-tk", "im-side"].forEach(function (id) {
    var el = document.getElementById(id);
    if (el) { el.addEventListener("change", function () { changed(); }); }
  });
  if (cfg.calibration_mm) { document.getElementById("im-marker").value = cfg.calibration_mm; }
  if (document.getElementById("im-tk")) { document.getElementById("im-tk").value = cfg.tk_upper_level; }
  if (document.getElementById("im-side") && cfg.column_direction) { document.getElementById("im-side").value = cfg.column_direction; }

  var ready = new Promise(function (resolve) {
    image.onload = function () { resize(); fit(); resolve(); };
  });
  image.src = cfg.image;
  window.addEventListener("resize", resize);
  active = nextActive(0);
  renderSteps();
  renderValues();
  if (cfg.can_measure && Object.keys(points).length) { compute(); }

  window.openspineViewer = {
    ready: ready,
    imageToClient: function (x, y) {
      var c = toCanvas(x, y); var r = canvas.getBoundingClientRect();
      return [r.left + c[0], r.top + c[1]];
    },
    getState: function () {
      return { points: JSON.parse(JSON.stringify(points)), active: active >= 0 ? order[active].name : null,
               values: state.values, calibration: state.calibration, view: Object.assign({}, view),
               computing: state.computing };
    },
    compute: compute
  };
})();
