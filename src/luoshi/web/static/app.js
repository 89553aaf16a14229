/* luoshi dashboard: table sorting, the region switch, and a small SVG chart (no libraries). */
(function () {
  "use strict";

  // --- sortable tables: click (or Enter on) a header; empty cells always sort last -------------
  function cellValue(row, index, type) {
    var cell = row.cells[index];
    var raw = cell ? cell.getAttribute("data-value") : "";
    if (raw === null) raw = cell ? cell.textContent.trim() : "";
    if (type === "num") return raw === "" ? null : parseFloat(raw);
    return raw === "" ? null : raw;
  }

  function sortBy(table, th) {
    var index = Array.prototype.indexOf.call(th.parentNode.children, th);
    var type = th.getAttribute("data-sort-type") || "text";
    var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
    th.parentNode.querySelectorAll("th[data-sort-key]").forEach(function (h) { h.setAttribute("aria-sort", "none"); });
    th.setAttribute("aria-sort", dir);
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var collator = new Intl.Collator(document.documentElement.lang || undefined, { numeric: true });
    rows.sort(function (a, b) {
      var x = cellValue(a, index, type), y = cellValue(b, index, type);
      if (x === null && y === null) return 0;
      if (x === null) return 1;
      if (y === null) return -1;
      var c = type === "num" ? x - y : collator.compare(x, y);
      return dir === "ascending" ? c : -c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    table.setAttribute("data-sorted-by", th.getAttribute("data-sort-key") + ":" + dir);
  }

  document.querySelectorAll("table[data-sortable]").forEach(function (table) {
    table.querySelectorAll("th[data-sort-key]").forEach(function (th) {
      th.addEventListener("click", function () { sortBy(table, th); });
      th.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortBy(table, th); }
      });
    });
  });

  // --- selects that change the page submit their form at once ---------------------------------
  document.querySelectorAll("[data-region-switch], [data-plan-select]").forEach(function (sel) {
    sel.addEventListener("change", function () { sel.form.submit(); });
  });

  // --- chart: actual against target and trajectory --------------------------------------------
  var NS = "http://www.w3.org/2000/svg";
  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (parent) parent.appendChild(e);
    return e;
  }
  function day(s) { return Date.parse(s + "T00:00:00Z"); }

  function niceTicks(lo, hi, n) {
    var span = hi - lo || Math.abs(hi) || 1;
    var step = Math.pow(10, Math.floor(Math.log10(span / n)));
    [1, 2, 2.5, 5, 10].some(function (m) { if (span / (step * m) <= n) { step *= m; return true; } return false; });
    var out = [], v = Math.floor(lo / step) * step;
    out.push(+v.toFixed(10));
    while (v < hi - step * 1e-9) { v += step; out.push(+v.toFixed(10)); }
    return out;
  }

  function drawChart(box, data) {
    box.innerHTML = "";
    var fmt = new Intl.NumberFormat(box.getAttribute("data-lang") === "en" ? "en" : "zh-CN",
      { maximumFractionDigits: parseInt(box.getAttribute("data-decimals") || "1", 10) });
    var pts = data.points || [], targets = data.targets || [], pace = data.pace || [];
    box.setAttribute("data-points", String(pts.length));
    box.setAttribute("data-targets", String(targets.length));
    if (!pts.length && !targets.length) {
      var p = document.createElement("p");
      p.className = "hint";
      p.setAttribute("data-chart-empty", "");
      p.textContent = box.getAttribute("data-label-empty");
      box.appendChild(p);
      return;
    }
    var W = Math.max(320, Math.min(1100, box.clientWidth || 760)), H = W < 560 ? 220 : 300, L = 62, R = 12, T = 12, B = 30;
    var xs = [], ys = [];
    pts.forEach(function (d) { xs.push(day(d.date)); ys.push(d.plotted); });
    targets.forEach(function (t) { xs.push(day(t.start), day(t.end)); ys.push(t.value); });
    pace.forEach(function (d) { xs.push(day(d.date)); ys.push(d.value); });
    var x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs);
    if (x1 === x0) x1 = x0 + 86400000;
    var ticks = niceTicks(Math.min(0, Math.min.apply(null, ys)), Math.max.apply(null, ys), 5);
    var y0 = ticks[0], y1 = ticks[ticks.length - 1];
    if (y1 === y0) y1 = y0 + 1;
    function X(t) { return L + (t - x0) / (x1 - x0) * (W - L - R); }
    function Y(v) { return T + (1 - (v - y0) / (y1 - y0)) * (H - T - B); }
    var svg = el("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "data-chart-svg": "" }, box);
    el("title", {}, svg).textContent = box.getAttribute("data-label-actual") + " / " + box.getAttribute("data-label-target");
    ticks.forEach(function (v) {
      el("line", { x1: L, x2: W - R, y1: Y(v), y2: Y(v), "class": "grid" }, svg);
      var t = el("text", { x: L - 6, y: Y(v) + 4, "text-anchor": "end" }, svg);
      t.textContent = fmt.format(v);
    });
    for (var yr = new Date(x0).getUTCFullYear(); yr <= new Date(x1).getUTCFullYear() + 1; yr++) {
      var tx = Date.UTC(yr, 0, 1);
      if (tx < x0 || tx > x1) continue;
      el("line", { x1: X(tx), x2: X(tx), y1: T, y2: H - B, "class": "grid" }, svg);
      var lab = el("text", { x: X(tx) + 3, y: H - B + 16 }, svg);
      lab.textContent = String(yr);
    }
    el("line", { x1: L, x2: W - R, y1: H - B, y2: H - B, "class": "axis" }, svg);
    el("line", { x1: L, x2: L, y1: T, y2: H - B, "class": "axis" }, svg);
    targets.forEach(function (t) {
      el("line", { x1: X(day(t.start)), x2: X(day(t.end)), y1: Y(t.value), y2: Y(t.value), "class": "target",
        "data-target": t.period, "data-value": t.value }, svg);
    });
    var byPeriod = {};
    pace.forEach(function (d) { (byPeriod[d.period] = byPeriod[d.period] || []).push(d); });
    Object.keys(byPeriod).forEach(function (k) {
      el("polyline", { points: byPeriod[k].map(function (d) { return X(day(d.date)) + "," + Y(d.value); }).join(" "),
        "class": "pace", "data-pace": k }, svg);
    });
    if (pts.length) {
      // a cumulative series restarts each year: draw one line per year
      var groups = {};
      pts.forEach(function (d) {
        var key = data.cumulative ? d.date.slice(0, 4) : "all";
        (groups[key] = groups[key] || []).push(d);
      });
      Object.keys(groups).forEach(function (k) {
        el("polyline", { points: groups[k].map(function (d) { return X(day(d.date)) + "," + Y(d.plotted); }).join(" "),
          "class": "actual" }, svg);
      });
      pts.forEach(function (d) {
        var c = el("circle", { cx: X(day(d.date)), cy: Y(d.plotted), r: 2.6, "class": "actual-pt",
          "data-point": d.period, "data-value": d.plotted }, svg);
        el("title", {}, c).textContent = d.period + ": " + fmt.format(d.plotted);
      });
    }
    var legend = document.createElement("div");
    legend.className = "chart-legend";
    [["actual", "#0b57d0", box.getAttribute("data-label-actual")],
     ["target", "#b3261e", box.getAttribute("data-label-target")],
     ["pace", "#e37400", box.getAttribute("data-label-pace")]].forEach(function (x) {
      var s = document.createElement("span");
      var i = document.createElement("i");
      i.style.background = x[1];
      s.appendChild(i);
      s.appendChild(document.createTextNode(x[2]));
      legend.appendChild(s);
    });
    box.appendChild(legend);
    box.setAttribute("data-ready", "true");
  }

  var chartBox = document.querySelector("[data-chart]");
  var chartData = document.getElementById("chart-data");
  if (chartBox && chartData) drawChart(chartBox, JSON.parse(chartData.textContent));
})();
