/* luoshi dashboard: table sorting, the region switch, a small SVG chart with tooltips and downloads,
   and printing (no libraries). */
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
    attachTooltip(box, svg, fmt, pts, targets, byPeriod, X, Y, day);
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

  // --- the chart's tooltip: the exact value, the target and the pace of the point nearest the pointer
  // (or chosen with the arrow keys), in a live region so that a screen reader says it too -------------
  function paceAt(line, t) {
    // the pace line of the point's target period, read at the point's date (between its two corners)
    if (!line || !line.length) return null;
    for (var i = 1; i < line.length; i++) {
      var a = day(line[i - 1].date), b = day(line[i].date);
      if (t >= a && t <= b) return b === a ? line[i].value : line[i - 1].value + (line[i].value - line[i - 1].value) * (t - a) / (b - a);
    }
    return null;
  }

  function attachTooltip(box, svg, fmt, pts, targets, byPeriod, X, Y, day_) {
    if (!pts.length) return;
    var tip = document.createElement("div");
    tip.className = "chart-tip";
    tip.setAttribute("role", "status");
    tip.setAttribute("data-chart-tip", "");
    tip.hidden = true;
    box.style.position = "relative";
    box.appendChild(tip);
    var marker = el("circle", { r: 5, "class": "chart-focus", visibility: "hidden" }, svg);
    svg.setAttribute("tabindex", "0");
    var current = -1;
    function show(i) {
      current = i;
      var d = pts[i], t = day_(d.date);
      var target = targets.filter(function (x) { return t >= day_(x.start) && t <= day_(x.end); })[0];
      var pace = target ? paceAt(byPeriod[target.period], t) : null;
      var lines = [[d.period, fmt.format(d.plotted)]];
      if (target) lines.push([box.getAttribute("data-label-target") + " " + target.period, fmt.format(target.value)]);
      if (pace !== null) lines.push([box.getAttribute("data-label-pace-at"), fmt.format(pace)]);
      tip.textContent = "";
      lines.forEach(function (l, k) {
        var row = document.createElement("div");
        var b = document.createElement(k ? "span" : "b");
        b.textContent = l[0] + (box.getAttribute("data-lang") === "en" ? ": " : "：");
        row.appendChild(b);
        row.appendChild(document.createTextNode(l[1]));
        tip.appendChild(row);
      });
      tip.setAttribute("data-tip-point", d.period);
      tip.setAttribute("data-tip-value", String(d.plotted));
      tip.setAttribute("data-tip-target", target ? String(target.value) : "");
      tip.setAttribute("data-tip-pace", pace === null ? "" : String(pace));
      marker.setAttribute("cx", X(t));
      marker.setAttribute("cy", Y(d.plotted));
      marker.setAttribute("visibility", "visible");
      tip.hidden = false;
      // place the tip beside the point, inside the box
      var r = svg.getBoundingClientRect(), b = box.getBoundingClientRect();
      var scale = r.width / svg.viewBox.baseVal.width || 1;
      var px = X(t) * scale + r.left - b.left, py = Y(d.plotted) * scale + r.top - b.top;
      var left = px + 12;
      if (left + tip.offsetWidth > box.clientWidth) left = Math.max(0, px - 12 - tip.offsetWidth);
      tip.style.left = left + "px";
      tip.style.top = Math.max(0, py - tip.offsetHeight / 2) + "px";
    }
    function hide() { tip.hidden = true; marker.setAttribute("visibility", "hidden"); current = -1; }
    function nearest(clientX) {
      var r = svg.getBoundingClientRect(), scale = r.width / svg.viewBox.baseVal.width || 1;
      var x = (clientX - r.left) / scale, best = 0;
      pts.forEach(function (d, i) {
        if (Math.abs(X(day_(d.date)) - x) < Math.abs(X(day_(pts[best].date)) - x)) best = i;
      });
      return best;
    }
    svg.addEventListener("pointermove", function (e) { show(nearest(e.clientX)); });
    svg.addEventListener("pointerleave", hide);
    svg.addEventListener("focus", function () { show(current < 0 ? pts.length - 1 : current); });
    svg.addEventListener("blur", hide);
    svg.addEventListener("keydown", function (e) {
      if (e.key === "ArrowLeft" || e.key === "ArrowRight") {
        e.preventDefault();
        show(Math.max(0, Math.min(pts.length - 1, current + (e.key === "ArrowLeft" ? -1 : 1))));
      } else if (e.key === "Home" || e.key === "End") {
        e.preventDefault();
        show(e.key === "Home" ? 0 : pts.length - 1);
      } else if (e.key === "Escape") { hide(); }
    });
  }

  // --- download the chart as SVG or PNG, drawn in the browser from the chart on the page ------------
  var STYLED = ["fill", "stroke", "stroke-width", "stroke-dasharray", "font-size", "font-family", "opacity", "visibility"];
  function standalone(svg) {
    // the chart's colours and fonts come from app.css: copy them onto the copy, which travels without it
    var copy = svg.cloneNode(true), from = svg.querySelectorAll("*"), to = copy.querySelectorAll("*");
    for (var i = 0; i < from.length; i++) {
      var cs = getComputedStyle(from[i]);
      to[i].setAttribute("style", STYLED.map(function (k) { return k + ":" + cs.getPropertyValue(k); }).join(";"));
    }
    var view = svg.viewBox.baseVal, top = 28, bottom = 26, W = view.width, H = view.height + top + bottom;
    // the file carries the chart's heading (indicator, region, the synthetic mark) and its legend
    var out = el("svg", { xmlns: NS, width: W, height: H, viewBox: "0 0 " + W + " " + H,
                          "font-family": getComputedStyle(svg).fontFamily });
    el("rect", { width: W, height: H, fill: "#fff" }, out);
    var heading = svg.closest(".chart-box").querySelector("h2");
    el("text", { x: 8, y: 19, "font-size": 15, "font-weight": 700, fill: "#1d1d1f" }, out).textContent =
      heading ? heading.textContent.replace(/\s+/g, " ").trim() : "";
    var body = el("g", { transform: "translate(0," + top + ")" }, out);
    Array.prototype.slice.call(copy.childNodes).forEach(function (n) {
      if (!(n.classList && n.classList.contains("chart-focus"))) body.appendChild(n);
    });
    var x = 62, y = top + view.height + 16;
    svg.parentNode.querySelectorAll(".chart-legend span").forEach(function (s) {
      var colour = s.querySelector("i").style.background;
      el("line", { x1: x, x2: x + 18, y1: y - 4, y2: y - 4, stroke: colour, "stroke-width": 3 }, out);
      var t = el("text", { x: x + 24, y: y, "font-size": 12, fill: "#5f6368" }, out);
      t.textContent = s.textContent;
      x += 24 + s.textContent.replace(/[\u2e80-\uffff]/g, "mm").length * 6.5 + 24;  // a Chinese character is two wide
    });
    return { text: new XMLSerializer().serializeToString(out), width: W, height: H };
  }

  function save(blob, name) {
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(a.href); }, 1000);
  }

  function download(box, kind) {
    var svg = box.querySelector("svg[data-chart-svg]");
    if (!svg) return;
    var out = standalone(svg), name = (box.getAttribute("data-file") || "chart") + "." + kind;
    var blob = new Blob([out.text], { type: "image/svg+xml" });
    if (kind === "svg") { save(blob, name); return; }
    var img = new Image(), url = URL.createObjectURL(blob), ratio = 2;  // twice the size: sharp when printed
    img.onload = function () {
      var canvas = document.createElement("canvas");
      canvas.width = out.width * ratio;
      canvas.height = out.height * ratio;
      var g = canvas.getContext("2d");
      g.scale(ratio, ratio);
      g.drawImage(img, 0, 0);
      URL.revokeObjectURL(url);
      canvas.toBlob(function (png) { save(png, name); }, "image/png");
    };
    img.src = url;
  }

  var chartBox = document.querySelector("[data-chart]");
  var chartData = document.getElementById("chart-data");
  if (chartBox && chartData) drawChart(chartBox, JSON.parse(chartData.textContent));
  document.querySelectorAll("[data-download]").forEach(function (b) {
    b.addEventListener("click", function () { download(chartBox, b.getAttribute("data-download")); });
  });

  // --- a table wider than the screen scrolls in its box: the box takes the keyboard focus ------------
  document.querySelectorAll(".scroll").forEach(function (s) {
    if (!s.hasAttribute("tabindex")) s.setAttribute("tabindex", "0");
  });

  // --- printing: every collapsed section printed open, closed again afterwards ----------------------
  var opened = [];
  window.addEventListener("beforeprint", function () {
    opened = Array.prototype.filter.call(document.querySelectorAll("details:not([open])"), function (d) {
      d.open = true;
      return true;
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });
})();
