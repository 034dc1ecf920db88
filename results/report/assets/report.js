// divergence report: draws the page's charts with uPlot from the JSON of
// #report-data, sorts and filters the runs table, and draws the sweep
// heatmap. No network access; no other file. Part of divergence (not of
// uPlot): see assets/README.md.
(function () {
  "use strict";
  var el = document.getElementById("report-data");
  if (!el || typeof uPlot === "undefined") return;
  var D = JSON.parse(el.textContent);
  decode(D);
  var charts = {};
  var groups = {};
  window.divergence = { charts: charts, data: D, drawAll: drawAll };

  // A run's own charts (its fills on each instrument, a pair hedge's
  // legs: 200 and more in a sweep's report) are drawn when they come
  // within two screens of the window, or all before printing: each chart
  // drawn lays out the whole page again, and a 200-run report took its
  // 10 s to open drawing them all. Their places keep a chart's height
  // meanwhile, so the page does not move as they are drawn.
  var deferred = {};
  var observer = typeof IntersectionObserver === "undefined" ? null : new IntersectionObserver(function (entries) {
    entries.forEach(function (e) { if (e.isIntersecting) drawNow(e.target.id); });
  }, { rootMargin: "2000px 0px" });
  function later(id, height, draw) {
    var box = document.getElementById(id);
    if (!box) return;
    if (!observer) { draw(); return; }
    deferred[id] = draw;
    box.style.minHeight = (height + 60) + "px";
    observer.observe(box);
  }
  function drawNow(id) {
    var draw = deferred[id], box = document.getElementById(id);
    if (!draw) return;
    delete deferred[id];
    observer.unobserve(box);
    draw();
    box.style.minHeight = "";
  }
  // drawAll draws every chart not drawn yet.
  function drawAll() { Object.keys(deferred).forEach(drawNow); }
  // Printed, every closed section (a run's round trips) is opened, so
  // that every table of the page is on paper; the ones the reader had
  // closed close again after.
  var opened = [];
  function openAll() {
    Array.prototype.forEach.call(document.querySelectorAll("details:not([open])"), function (d) {
      d.open = true;
      opened.push(d);
    });
  }
  function closeAgain() {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  }
  function beforePrint() { drawAll(); openAll(); }
  // Ctrl+P and window.print() fire beforeprint; a browser without it
  // (or a print preview started otherwise) still turns to print media.
  window.addEventListener("beforeprint", beforePrint);
  window.addEventListener("afterprint", closeAgain);
  if (window.matchMedia) {
    var printing = window.matchMedia("print");
    var onPrint = function (m) { if (m.matches) beforePrint(); else closeAgain(); };
    if (printing.addEventListener) printing.addEventListener("change", onPrint);
    else if (printing.addListener) printing.addListener(onPrint);
  }

  // JSON numbers: null is NaN, infinities are strings.
  function num(v) {
    if (v === null || v === undefined) return NaN;
    if (v === "Infinity") return Infinity;
    if (v === "-Infinity") return -Infinity;
    return v;
  }
  // decode undoes the payload's compact forms (jsondata.go) once, in
  // place: every time column (a field "t") is delta-encoded, [first time,
  // unit, steps in units]; a run without one has the times of the earlier
  // run ts; a ladder's tags are indexes in D.tags.
  function times(a) {
    if (!a.length) return a;
    var t = [a[0]], x = a[0], u = a[1];
    for (var i = 2; i < a.length; i++) { x += a[i] * u; t.push(x); }
    return t;
  }
  function decodeTimes(x) {
    if (Array.isArray(x)) {
      for (var i = 0; i < x.length; i++) if (x[i] !== null && typeof x[i] === "object") decodeTimes(x[i]);
      return;
    }
    Object.keys(x).forEach(function (k) {
      var v = x[k];
      if (k === "t" && Array.isArray(v)) x[k] = times(v);
      else if (v !== null && typeof v === "object") decodeTimes(v);
    });
  }
  function decode(D) {
    decodeTimes(D);
    (D.runs || []).forEach(function (r) { if (!r.t) r.t = r.ts != null ? D.runs[r.ts].t : []; });
    var tag = function (k) { return D.tags[k]; };
    (D.ladders || []).forEach(function (l) {
      l.entryTags = (l.entryTags || []).map(tag);
      l.exitTags = (l.exitTags || []).map(tag);
    });
  }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function fmtDate(ts) {
    if (ts == null) return "—";
    var d = new Date(ts * 1000);
    var s = d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate());
    if (D.intraday) s += " " + pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes());
    return s;
  }
  function minus(s) { return s.charAt(0) === "-" ? "\u2212" + s.slice(1) : s; }
  function money(v) {
    if (v == null || !isFinite(v)) return "—";
    var s = Math.abs(v).toFixed(2), p = s.split("."), i = p[0], out = "";
    for (var k = 0; k < i.length; k++) {
      if (k > 0 && (i.length - k) % 3 === 0) out += "\u202f";
      out += i.charAt(k);
    }
    return (v < 0 ? "\u2212" : "") + out + "." + p[1];
  }
  function pct(v, d) { return v == null || !isFinite(v) ? "—" : minus((100 * v).toFixed(d == null ? 2 : d)) + "%"; }
  function fixed(v, d) { return v == null || !isFinite(v) ? "—" : minus(v.toFixed(d)); }

  // atNote is a read-out's " (at <time>)" when the value shown (its
  // series' point idx, cursor.dataIdx) is of another time than the
  // cursor's: a line thinned per pixel column has no point at every time,
  // and shows its last point before the cursor.
  function atNote(u, idx) {
    var at = u.cursor.idx, x = u.data[0];
    return idx != null && at != null && x[idx] !== x[at] ? " (at " + fmtDate(x[idx]) + ")" : "";
  }

  // align joins lines ({t, v}, t defaulting to base) on their times; a
  // line lacking a time has undefined there (spanned), a NaN is null (a gap).
  function align(lines, base) {
    var tables = lines.map(function (l) {
      var t = l.t || base[l.i] || [];
      return [t, l.v.map(function (x) { x = num(x); return isFinite(x) ? x : null; })];
    });
    if (!tables.length) return [[]];
    return uPlot.join(tables, tables.map(function () { return [1]; }));
  }

  function width(box) { return Math.max(320, Math.min(1100, box.clientWidth || 1000)); }

  // chart draws one uPlot chart into the element of id. spec: series
  // ({name, color, dash, key, fmt}), data (aligned), y (axis label), fmt
  // (tick format), group (cursor sync key and legend toggle group),
  // log, height, bands.
  function chart(id, spec) {
    var box = document.getElementById(id);
    if (!box) return null;
    var series = [{ label: D.intraday ? "time (UTC)" : "date (UTC)", value: function (u, v) { return fmtDate(v); } }];
    spec.series.forEach(function (s) {
      series.push({
        label: s.name, stroke: s.color, dash: s.dash, width: s.width == null ? 1.5 : s.width, fill: s.fill,
        show: s.show !== false, spanGaps: false, points: s.points || { show: false }, paths: s.paths,
        value: s.value || function (u, v, si, idx) { return v == null ? "—" : spec.fmt(v) + atNote(u, idx); }
      });
    });
    var opts = {
      width: width(box), height: spec.height || 260, title: spec.title,
      tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"); },
      cursor: {
        sync: { key: spec.group || id }, drag: { x: true, y: false },
        // Each line's read-out: its point at the cursor, else its last
        // point before it (never a later one, nor one of another hour).
        dataIdx: function (u, si, closest, xv) {
          var d = u.data[si], x = u.data[0];
          if (si === 0 || d[closest] != null) return closest;
          var k = closest;
          if (x[k] > xv) k--;
          for (; k >= 0; k--) if (d[k] != null) return k;
          return closest;
        }
      },
      scales: { x: { time: true }, y: { distr: spec.log ? 3 : 1 } },
      legend: { live: true },
      series: series,
      bands: spec.bands,
      axes: [{}, {
        label: spec.y, size: 64,
        values: function (u, vals) { return vals.map(function (v) { return v == null ? "" : spec.tick(v); }); }
      }],
      hooks: { setSeries: [function (u, si, o) { pressed(u); propagate(u, si, o); }] }
    };
    box.innerHTML = "";
    var u = new uPlot(opts, spec.data, box);
    box.setAttribute("role", "figure");
    box.setAttribute("aria-label", describe(spec, opts, spec.data));
    keyboardLegend(u);
    u.divKeys = [null].concat(spec.series.map(function (s) { return s.key; }));
    u.divGroup = spec.group;
    charts[id] = u;
    if (spec.group) (groups[spec.group] = groups[spec.group] || {})[id] = u;
    return u;
  }

  // describe is a chart's text alternative (its box's aria-label): the
  // title, the span of time and each line's last value, as the read-out
  // formats it.
  function describe(spec, opts, data) {
    var x = data[0] || [], s = (opts.title || "Chart") + ".";
    if (x.length) s += " " + fmtDate(x[0]) + " to " + fmtDate(x[x.length - 1]) + ".";
    var last = spec.series.map(function (ser, j) {
      var d = data[j + 1] || [];
      for (var k = d.length - 1; k >= 0; k--) if (d[k] != null && isFinite(d[k])) return ser.name + " " + spec.fmt(d[k]);
      return ser.name + " no value";
    });
    return last.length ? s + " Last values: " + last.join("; ") + "." : s;
  }
  // keyboardLegend lets a legend entry (a line's name, clicked to hide or
  // show it) be reached by Tab and toggled by Enter or Space.
  function keyboardLegend(u) {
    var rows = u.root.querySelectorAll(".u-legend .u-series");
    Array.prototype.forEach.call(rows, function (row, i) {
      var th = row.querySelector("th");
      if (!i || !th) return; // the first is the date's read-out
      th.tabIndex = 0;
      th.setAttribute("role", "button");
      th.addEventListener("keydown", function (e) {
        if (e.key !== "Enter" && e.key !== " ") return;
        e.preventDefault();
        th.click();
      });
    });
    pressed(u);
  }
  // pressed marks each legend entry shown (aria-pressed true) or hidden.
  function pressed(u) {
    var rows = u.root ? u.root.querySelectorAll(".u-legend .u-series") : [];
    Array.prototype.forEach.call(rows, function (row, i) {
      var th = row.querySelector("th");
      if (i && th && u.series[i]) th.setAttribute("aria-pressed", u.series[i].show ? "true" : "false");
    });
  }

  // propagate shows or hides a run in every chart of its group when its
  // legend entry is clicked in one of them.
  var propagating = false;
  function propagate(u, si, o) {
    if (propagating || si == null || !o || o.show == null || !u.divGroup) return;
    var key = u.divKeys[si];
    if (!key) return;
    propagating = true;
    var g = groups[u.divGroup];
    Object.keys(g).forEach(function (id) {
      var w = g[id];
      if (w === u) return;
      w.divKeys.forEach(function (k, j) {
        if (k === key && w.series[j].show !== o.show) w.setSeries(j, { show: o.show });
      });
    });
    propagating = false;
  }

  var runs = D.runs || [];
  var base = runs.map(function (r) { return r.t; });
  function line(r, i, name) { var l = r[name]; return l ? { t: l.t, v: l.v, i: i } : null; }
  function runSeries(filter) {
    var out = [];
    runs.forEach(function (r, i) { if (!filter || filter(r)) out.push({ name: r.name, color: r.color, dash: r.dash, key: r.key, i: i }); });
    return out;
  }

  // Equity: growth of 1; the read-out shows it and the equity in money.
  var moneyAligned = null;
  function drawEquity(log) {
    if (!runs.length) return;
    var shown = {}, zoom = null;
    var old = charts["chart-equity"];
    if (old) {
      old.series.forEach(function (s, j) { if (j) shown[old.divKeys[j]] = s.show; });
      // The zoom the chart had, and the overview's other charts keep.
      zoom = { min: old.scales.x.min, max: old.scales.x.max };
      old.destroy(); delete groups.overview["chart-equity"];
    }
    moneyAligned = align(runs.map(function (r, i) { return { t: r.t, v: r.e, i: i }; }), base);
    var data = [moneyAligned[0]];
    runs.forEach(function (r, i) {
      // growth from the initial cash, as the run's metrics measure it
      var m = moneyAligned[i + 1], e0 = num(r.c);
      for (var k = 0; !(e0 > 0) && k < r.e.length; k++) { var x = num(r.e[k]); if (isFinite(x) && x > 0) { e0 = x; break; } }
      data.push(m.map(function (x) { return x == null ? x : x / e0; }));
    });
    var ser = runSeries();
    ser.forEach(function (s, j) {
      s.show = shown[s.key];
      s.value = function (u, v, si, idx) {
        if (v == null || idx == null) return "—";
        return fixed(v, 4) + " (" + money(moneyAligned[si][idx]) + ")" + atNote(u, idx);
      };
    });
    chart("chart-equity", {
      title: "Equity: growth of 1 (read-out: growth, and equity in money)" + (log ? ", log scale" : ""),
      series: ser, data: data, y: "growth of 1", group: "overview", log: log, height: 320,
      fmt: function (v) { return fixed(v, 4); },
      // A log scale's small ticks (0.001) keep their digits.
      tick: function (v) { return v >= 10 ? fixed(v, 0) : v >= 0.01 || v <= 0 ? fixed(v, 2) : String(+v.toPrecision(2)); }
    });
    if (zoom && zoom.min != null && zoom.max != null) charts["chart-equity"].setScale("x", zoom);
  }
  drawEquity(false);
  var logBox = document.getElementById("equity-log");
  if (logBox) logBox.addEventListener("change", function () { drawEquity(logBox.checked); });
  // The whole range again in every overview chart: a double-click does it
  // with the mouse, this button from the keyboard too.
  var zoomReset = document.getElementById("zoom-reset");
  if (zoomReset) zoomReset.addEventListener("click", function () {
    var g = groups.overview || {};
    Object.keys(g).forEach(function (id) {
      var u = g[id], x = u.data[0];
      if (x.length) u.setScale("x", { min: x[0], max: x[x.length - 1] });
    });
  });

  function overview(id, name, title, y, fmt, tick, filter) {
    var have = [];
    runs.forEach(function (r, i) { var l = line(r, i, name); if (l && (!filter || filter(r))) have.push(l); });
    if (!have.length) return;
    var ser = runSeries(function (r) { return !!r[name] && (!filter || filter(r)); });
    chart(id, { title: title, series: ser, data: align(have, base), y: y, group: "overview", fmt: fmt, tick: tick });
  }
  var p2 = function (v) { return pct(v, 2); }, p0 = function (v) { return pct(v, 0); };
  var f2 = function (v) { return fixed(v, 2); };
  overview("chart-drawdown", "dd", "Drawdown (equity over its running peak − 1)", "drawdown", p2, p0);
  overview("chart-gross", "g", "Gross exposure (Σ |position value| over equity)", "gross / equity", p2, p0);
  overview("chart-net", "n", "Net exposure (Σ position value over equity)", "net / equity", p2, p0);
  var w = D.window + " periods";
  overview("chart-sharpe", "sharpe", "Rolling Sharpe ratio (window " + w + ", rf 0, annualised with " + D.ppy + " periods/year)", "Sharpe", f2, f2);
  overview("chart-vol", "vol", "Rolling volatility (window " + w + ", annualised)", "volatility", p2, p0);
  if (D.betaVs) overview("chart-beta", "beta", "Rolling beta against " + D.betaVs + " on its bars (window " + D.betaWindow + " of its bars)", "beta", f2, f2);

  // Per run: the legs of a pair hedge, cursors synchronised within the run.
  (D.legs || []).forEach(function (l) {
    var g = "run-" + l.key, d = D.legData[l.d];
    later("legs-growth-" + l.key, 260, function () { chart("legs-growth-" + l.key, {
      title: l.name + ": legs, growth of 1 (equal-weight long leg and short leg, unhedged)",
      series: [{ name: "long leg", color: l.color }, { name: "short leg (as held long)", color: "#555", dash: [6, 3] }],
      data: [d.t, d.long.map(num), d.short.map(num)], y: "growth of 1", group: g,
      fmt: function (v) { return fixed(v, 4); }, tick: f2
    }); });
    later("legs-beta-" + l.key, 260, function () {
      var al = align([{ t: d.beta.t || d.t, v: d.beta.v }, { t: d.corr.t || d.t, v: d.corr.v }], []);
      chart("legs-beta-" + l.key, {
        title: l.name + ": rolling beta of the short leg on the long leg, and their correlation",
        series: [{ name: "beta short on long", color: l.color }, { name: "correlation", color: "#555", dash: [6, 3] }],
        data: al, y: "beta, correlation", group: g, fmt: function (v) { return fixed(v, 3); }, tick: f2
      });
    });
  });

  // Walk-forward: stitched out-of-sample growth against the in-sample
  // best and the benchmark.
  (D.walkforward || []).forEach(function (wf, k) {
    var lines = [wf.oos], ser = [{ name: wf.strategy + " walk-forward, out of sample (stitched)", color: "#111", width: 2.2 }];
    if (wf.best) { lines.push(wf.best); ser.push({ name: wf.bestName, color: wf.bestColor, dash: [6, 3] }); }
    if (wf.bench) { lines.push(wf.bench); ser.push({ name: wf.benchName, color: wf.benchColor, dash: [2, 3] }); }
    chart("wf-" + k, {
      title: "Walk-forward " + wf.strategy + ": growth of 1 from the first out-of-sample date", series: ser,
      data: align(lines, []), y: "growth of 1", group: "wf-" + k, fmt: function (v) { return fixed(v, 4); }, tick: f2
    });
  });

  // Monte Carlo: one fan per run (small multiples).
  (D.fans || []).forEach(function (fan, k) {
    var c = fan.color;
    var q = fan.q.map(function (a) { return a.map(function (x) { x = num(x); return isFinite(x) ? x : null; }); });
    var faint = function (a) { return c + (a === 1 ? "30" : "66"); };
    chart("fan-" + k, {
      title: fan.name + ": Monte Carlo growth of 1", height: 220,
      series: [
        { name: "5%", color: faint(1), width: 1 }, { name: "25%", color: faint(2), width: 1 },
        { name: "median", color: c, width: 2 },
        { name: "75%", color: faint(2), width: 1 }, { name: "95%", color: faint(1), width: 1 }],
      bands: [{ series: [5, 1], fill: c + "22" }, { series: [4, 2], fill: c + "44" }],
      data: [fan.t].concat(q), y: "growth of 1", group: "fan-" + k, fmt: function (v) { return fixed(v, 3); }, tick: f2
    });
  });

  // Scenario equity: each scenario's runs, in their runs' colours.
  (D.scenarios || []).forEach(function (sc, k) {
    var baseT = {};
    runs.forEach(function (r) { baseT[r.key] = r.t; });
    var lines = sc.runs.map(function (r) { return { t: r.t || baseT[r.base], v: r.g }; });
    chart("scenario-" + k, {
      title: "Scenario " + sc.name + ": growth of 1", group: "scenarios",
      series: sc.runs.map(function (r) { return { name: r.name, color: r.color, dash: r.dash, key: r.base }; }),
      data: align(lines, []), y: "growth of 1", fmt: function (v) { return fixed(v, 4); }, tick: f2
    });
  });

  // Fills: a run's entries and exits on an instrument's price (when the
  // report has prices), with the average entry price of the position: the
  // tranche ladder of a scaled entry.
  (D.ladders || []).forEach(function (l, k) { later("ladder-" + k, 240, function () {
    var lines = [], ser = [];
    if (l.close != null) { lines.push(D.closes[l.close]); ser.push({ name: l.symbol + " close", color: "#777", width: 1 }); }
    // The read-out of a fill names its tags ("tranches 1-2") beside its price.
    var tagged = function (line, tags) {
      var at = {};
      (line.t || []).forEach(function (t, i) { if (tags && tags[i]) at[t] = tags[i]; });
      return function (u, v, si, idx) {
        // A fill is shown only at its own time, never carried forward.
        if (v == null || atNote(u, idx) !== "") return "—";
        var tag = idx == null ? null : at[u.data[0][idx]];
        return fixed(v, 4) + (tag ? " (" + tag + ")" : "");
      };
    };
    lines.push(l.entry, l.exit, l.avg);
    var none = function () { return null; };
    ser.push({ name: "entries", color: l.color, width: 1.5, value: tagged(l.entry, l.entryTags), paths: none,
        points: { show: true, size: 9, width: 2, stroke: l.color, fill: "#fff" } },
      { name: "exits", color: "#d62728", width: 1.5, value: tagged(l.exit, l.exitTags), paths: none,
        points: { show: true, size: 9, width: 2, stroke: "#d62728", fill: "#fff" } },
      // The average entry price holds from one fill to the next (a step,
      // not a slope between fills) and has no value while no position is
      // held (null from the fill that closed it to the next entry): the
      // read-out gives its value at the cursor, never an earlier one.
      { name: "average entry price", color: l.color, dash: [4, 3], width: 1.2, paths: uPlot.paths.stepped({ align: 1 }),
        value: function (u, v, si) {
          var at = u.cursor.idx, x = at == null ? null : u.data[si][at];
          return x == null ? "\u2014" : fixed(x, 4);
        } });
    var data = align(lines.map(function (x) { return { t: x.t, v: x.v }; }), []);
    // Carry each average over the times of the other lines (the closes,
    // and the fills that leave it as it was: the payload has a point only
    // where it changes) until the next fill changes it.
    var avg = data[data.length - 1], held;
    for (var j = 0; j < avg.length; j++) {
      if (avg[j] === undefined) { if (held !== undefined) avg[j] = held; } else held = avg[j];
    }
    chart("ladder-" + k, { title: l.title, group: "run-" + l.run, height: 240, series: ser, data: data, y: "price",
      fmt: function (v) { return fixed(v, 4); }, tick: function (v) { return fixed(v, 2); } });
  }); });

  window.addEventListener("resize", function () {
    Object.keys(charts).forEach(function (id) {
      var box = document.getElementById(id), u = charts[id];
      if (box && u) u.setSize({ width: width(box), height: u.height });
    });
  });

  // The runs tables: click a header to sort, type in the box to filter.
  function cellValue(td) {
    var v = td.getAttribute("data-v");
    if (v === null) return td.textContent;
    if (v === "") return NaN;
    return num(v === "Infinity" || v === "-Infinity" ? v : parseFloat(v));
  }
  document.querySelectorAll("table.sortable").forEach(function (tbl) {
    var body = tbl.tBodies[0];
    tbl.querySelectorAll("thead th").forEach(function (th, j) {
      // The name is a button: reached by Tab, pressed by Enter or Space.
      var b = document.createElement("button");
      b.type = "button";
      b.className = "sort";
      b.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(b);
      th.addEventListener("click", function () {
        var dir = th.getAttribute("aria-sort") === "descending" ? 1 : -1;
        if (th.getAttribute("aria-sort") === null && th.classList.contains("text")) dir = 1;
        tbl.querySelectorAll("thead th").forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(body.rows);
        var numeric = !th.classList.contains("text");
        rows.sort(function (a, b) {
          if (numeric) { // ruined runs after the others, as the program ranks them
            var ra = !!a.querySelector("td.ruined"), rb = !!b.querySelector("td.ruined");
            if (ra !== rb) return ra ? 1 : -1;
          }
          var x = cellValue(a.cells[j]), y = cellValue(b.cells[j]);
          if (typeof x === "string" || typeof y === "string") {
            var xe = x === "\u2014" || x === "", ye = y === "\u2014" || y === "";
            if (xe || ye) return xe === ye ? 0 : (xe ? 1 : -1); // no value last, either way
            return dir * String(x).localeCompare(String(y));
          }
          var xn = isNaN(x), yn = isNaN(y);
          if (xn || yn) return xn === yn ? 0 : (xn ? 1 : -1); // no value last, either way
          return x === y ? 0 : (x < y ? -dir : dir);
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
    var box = document.querySelector('input[data-filter="' + tbl.id + '"]');
    if (!box) return;
    // Column names compared in lower case: a swept parameter keeps its
    // name's case and any character a TOML key may hold (param_z-Entry).
    var heads = Array.prototype.map.call(tbl.querySelectorAll("thead th"), function (h) { return (h.getAttribute("data-col") || "").toLowerCase(); });
    var pcts = Array.prototype.map.call(tbl.querySelectorAll("thead th"), function (h) { return h.hasAttribute("data-pct"); });
    box.addEventListener("input", function () {
      // Terms: column>value, column<value, column=value (numbers), or
      // text found anywhere in the row; all must hold. A term whose left
      // side is no column (a run's key, hedge--gross=0.2) is text.
      // The minus sign the table prints (U+2212) reads as "-", a column's
      // name in any case, spaces around the operator allowed. A column
      // shown in percent takes its bound in percent, with or without the
      // sign (max_drawdown>-30 is -30 %, as the table shows it).
      var q = box.value.replace(/\u2212/g, "-").replace(/\s*(>=|<=|>|<|=)\s*/g, "$1");
      var terms = q.trim().split(/\s+/).filter(Boolean).map(function (s) {
        var m = /^([^<>=]+?)(>=|<=|>|<|=)(-?[0-9.eE+-]+)(%?)$/.exec(s);
        var col = m ? heads.indexOf(m[1].toLowerCase()) : -1;
        if (col >= 0) return { col: col, op: m[2], v: parseFloat(m[3]) / (m[4] || pcts[col] ? 100 : 1) };
        return { text: s.toLowerCase() };
      });
      var shown = 0;
      Array.prototype.forEach.call(body.rows, function (r) {
        var ok = terms.every(function (t) {
          if (t.text) return r.textContent.toLowerCase().indexOf(t.text) >= 0;
          var x = cellValue(r.cells[t.col]);
          if (typeof x !== "number" || isNaN(x)) return false;
          switch (t.op) { case ">": return x > t.v; case "<": return x < t.v; case ">=": return x >= t.v; case "<=": return x <= t.v; }
          return x === t.v;
        });
        r.style.display = ok ? "" : "none";
        if (ok) shown++;
      });
      var c = document.querySelector('[data-count="' + tbl.id + '"]');
      if (c) c.textContent = shown + " of " + body.rows.length + " runs";
    });
  });

  // The sweep heatmap: a metric over two swept parameters of a strategy,
  // the others at the best run's values or averaged over.
  var S = D.sweep;
  var hm = document.getElementById("sweep-heatmap");
  if (S && hm) {
    var sel = function (id) { return document.getElementById(id); };
    var ss = sel("sweep-strategy"), xs = sel("sweep-x"), ys = sel("sweep-y"), ms = sel("sweep-metric"), os = sel("sweep-others");
    var opt = function (s, list, v) {
      s.innerHTML = "";
      list.forEach(function (n) { var o = document.createElement("option"); o.value = o.textContent = n; s.appendChild(o); });
      s.value = v;
    };
    var group = function () { return S.groups[Math.max(0, S.groups.map(function (g) { return g.strategy; }).indexOf(ss.value))]; };
    opt(ss, S.groups.map(function (g) { return g.strategy; }), S.groups[0].strategy);
    ss.parentNode.style.display = S.groups.length > 1 ? "" : "none";
    var params = function () { var G = group(); opt(xs, G.params, G.params[0]); opt(ys, G.params, G.params[1]); };
    params();
    opt(ms, S.metrics, S.metrics.indexOf("sharpe") >= 0 ? "sharpe" : S.metrics[0]);
    var sortVals = function (vals) {
      var allNum = vals.every(function (v) { return v !== "" && !isNaN(Number(v)); });
      return vals.sort(allNum ? function (a, b) { return Number(a) - Number(b); } : undefined);
    };
    var esc = function (s) { return String(s).replace(/[&<>"]/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; }); };
    var draw = function () {
      var G = group();
      var xi = G.params.indexOf(xs.value), yi = G.params.indexOf(ys.value), mi = S.metrics.indexOf(ms.value);
      var lower = S.lower.indexOf(ms.value) >= 0, avg = os.value === "mean";
      var neutral = (S.neutral || []).indexOf(ms.value) >= 0;
      var better = function (a, b) { return lower ? a < b : a > b; };
      var best = null;
      G.rows.forEach(function (r) { var v = num(r.m[mi]); if (!r.r && !isNaN(v) && (!best || better(v, num(best.m[mi])))) best = r; });
      var uniq = function (i) { var s = {}; G.rows.forEach(function (r) { s[r.p[i]] = true; }); return sortVals(Object.keys(s)); };
      var cx = uniq(xi), cy = uniq(yi), cells = {}, keys = {}, vals = [], ruined = {};
      G.rows.forEach(function (r) {
        if (!avg && best) {
          for (var j = 0; j < G.params.length; j++) if (j !== xi && j !== yi && r.p[j] !== best.p[j]) return;
        }
        var k = r.p[xi] + "\u0000" + r.p[yi], v = num(r.m[mi]);
        if (r.r) { // ruined: its metrics mean nothing, nor does a mean with them
          (ruined[k] = ruined[k] || []).push(r.key);
          return;
        }
        if (!isFinite(v)) return;
        (cells[k] = cells[k] || []).push(v);
        (keys[k] = keys[k] || []).push(r.key);
      });
      Object.keys(ruined).forEach(function (k) { delete cells[k]; });
      Object.keys(cells).forEach(function (k) { var a = cells[k]; cells[k] = a.reduce(function (s, v) { return s + v; }, 0) / a.length; vals.push(cells[k]); });
      // Robust colour scale: the 5th to 95th percentile of the cells.
      vals.sort(function (a, b) { return a - b; });
      var qv = function (p) { if (!vals.length) return 0; var h = (vals.length - 1) * p, i = Math.floor(h); return vals[i] + (h - i) * (vals[Math.min(i + 1, vals.length - 1)] - vals[i]); };
      var lo = qv(0.05), hi = qv(0.95);
      var isPct = /return|cagr|drawdown|volatility|var_|alpha_|tracking_error_|hit_rate|period|exposure/.test(ms.value);
      var isMoney = /^(final_equity|commission_paid|total_costs|costs_)/.test(ms.value);
      var show = function (v) { return isPct ? pct(v, 1) : isMoney ? money(v) : fixed(v, 3); };
      var colour = function (v) {
        var t = hi > lo ? Math.max(0, Math.min(1, (v - lo) / (hi - lo))) : 0.5;
        if (neutral) { // white (low) to purple (high): no better or worse
          return "rgb(" + [117, 107, 177].map(function (c) { return Math.round(255 + (c - 255) * t); }).join(",") + ")";
        }
        if (lower) t = 1 - t;
        var a = t < 0.5 ? [214, 39, 40] : [31, 119, 180], s = Math.abs(t - 0.5) * 2; // red (worse), white, blue (better)
        return "rgb(" + a.map(function (c) { return Math.round(255 + (c - 255) * s); }).join(",") + ")";
      };
      var h = '<table class="heat"><thead><tr><th scope="col">' + esc(ys.value) + " \u2193 / " + esc(xs.value) + " \u2192</th>";
      cx.forEach(function (x) { h += '<th scope="col">' + esc(x) + "</th>"; });
      h += "</tr></thead><tbody>";
      cy.forEach(function (y) {
        h += '<tr><th scope="row">' + esc(y) + "</th>";
        cx.forEach(function (x) {
          var k = x + "\u0000" + y, v = cells[k];
          h += ruined[k] ? '<td class="ruined" title="' + esc(ruined[k].join(", ") + ": ruined (equity fell to 0 or below)") + '">ruined</td>' : v === undefined ? '<td class="none">\u2014</td>' : '<td style="background:' + colour(v) + '" data-v="' + v + '" title="' + esc(keys[k].join(", ")) + '">' + show(v) + "</td>";
        });
        h += "</tr>";
      });
      h += "</tbody></table>";
      var others = G.params.filter(function (p, j) { return j !== xi && j !== yi; });
      var note = xi === yi ? "Choose two different parameters." : others.length === 0 ? "Every run of the sweep is a cell." :
        avg ? "Other parameters (" + others.join(", ") + ") averaged over: each cell is the mean of its runs." :
          "Other parameters fixed at the values of the " + (neutral ? "run with the highest " : "best run by ") + ms.value + " (" + (best ? best.key : "\u2014") + "): " +
          others.map(function (p) { return p + " = " + (best ? best.p[G.params.indexOf(p)] : "\u2014"); }).join(", ") + ".";
      h += '<p class="note">' + esc(G.strategy) + ": " + esc(ms.value) + (neutral ? " (no better direction: white low, purple high)" : lower ? " (lower is better)" : " (higher is better)") + ", in sample (every run over the whole period). " + esc(note) +
        " Colours span the cells' 5th to 95th percentile (" + show(lo) + " to " + show(hi) + "); values beyond take the end colours.</p>";
      hm.innerHTML = h;
    };
    ss.addEventListener("change", function () { params(); draw(); });
    [xs, ys, ms, os].forEach(function (s) { s.addEventListener("change", draw); });
    draw();
  }
})();
