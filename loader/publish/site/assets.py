"""The site's two static assets: its style sheet and its search script.

The search runs in the browser over ``assets/search-index.js``, a script that assigns the
index to a variable: a page opened from ``file://`` may load a script but (in Chromium) may not
``fetch()`` a JSON file, so the index is a script, and nothing comes from the network.
"""

from __future__ import annotations

STYLE = """\
:root{--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--soft:#f6f8fa;--link:#0969da}
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,'DejaVu Sans',sans-serif;max-width:70rem;
margin:0 auto;padding:0 1.2rem 3rem;color:var(--fg);line-height:1.45}
a{color:var(--link);text-decoration:none}a:hover{text-decoration:underline}
nav.top{display:flex;gap:1.2rem;align-items:center;padding:.7rem 0;border-bottom:1px solid
var(--line);margin-bottom:1rem;font-size:.95rem}
nav.top .brand{font-weight:700;color:var(--fg)}
h1{font-size:1.7rem;margin:.6rem 0 .2rem}h2{font-size:1.25rem;border-bottom:1px solid
var(--line);padding-bottom:.2rem;margin-top:2rem}h3{font-size:1.02rem;margin:1.2rem 0 .4rem}
.kind{color:var(--muted);margin:0 0 .3rem}.kind a{font-weight:600}
code,.id{font-family:ui-monospace,'DejaVu Sans Mono',monospace;font-size:.85em}
.id{color:var(--muted)}
table{border-collapse:collapse;width:100%;margin:.3rem 0 .8rem}
td,th{border-bottom:1px solid var(--line);padding:.3rem .5rem;vertical-align:top;text-align:left}
th{background:var(--soft);font-weight:600}
table.props th{width:13rem;background:none;color:var(--muted);font-weight:500}
table.tariffs td:first-child,table.tariffs td:nth-child(2){white-space:nowrap}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.date{white-space:nowrap}
input.filter{margin:.4rem 0;padding:.3rem .5rem;width:20rem;max-width:100%}
th[aria-sort=ascending]::after{content:" ▲"}th[aria-sort=descending]::after{content:" ▼"}
.tag{display:inline-block;background:var(--soft);border:1px solid var(--line);border-radius:4px;
padding:0 .3rem;font-size:.8rem;color:var(--muted)}
pre{background:var(--soft);padding:.6rem .8rem;overflow-x:auto;font-size:.85rem}
.claim{border:1px solid var(--line);border-radius:8px;padding:.6rem 1rem;margin:.8rem 0}
.claim .from{color:var(--muted);font-size:.92rem;margin-bottom:.3rem}
blockquote{margin:.4rem 0;padding:.3rem .8rem;border-left:4px solid #8c959f;background:var(--soft);
white-space:pre-wrap;font-style:italic}
.status{display:inline-block;padding:0 .45rem;border-radius:1rem;font-size:.8rem;
border:1px solid var(--line);background:#fff;color:var(--fg);font-style:normal}
.status-reported{background:#ddf4ff}.status-claimed{background:#fff8c5}
.status-expected{background:#fbefff}.status-denied,.status-disputed{background:#ffebe9}
.remark{color:var(--muted);font-size:.9rem}
.place{display:block;font-style:normal;font-size:.8rem;color:var(--muted)}
.more{color:var(--muted);font-style:italic}
ol.timeline{list-style:none;padding:0;margin:.5rem 0;border-left:3px solid var(--line)}
ol.timeline li{position:relative;padding:.1rem 0 .9rem 1.2rem}
ol.timeline li::before{content:'';position:absolute;left:-.5rem;top:.35rem;width:.7rem;
height:.7rem;border-radius:50%;background:var(--link)}
ol.timeline .when{font-weight:600;font-variant-numeric:tabular-nums}
ol.timeline .stage{font-weight:600;margin-left:.5rem}
.chart svg{max-width:100%;height:auto}
.legend{font-size:.9rem;color:var(--muted)}.key{margin-right:1rem;white-space:nowrap}
.dot{display:inline-block;width:.7rem;height:.7rem;border-radius:50%;margin-right:.3rem}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:1rem;margin:.6rem 0}
.pair>div{border:1px solid var(--line);border-radius:8px;padding:.6rem .9rem}
.pair .value{font-size:1.3rem;font-weight:600}
.counts{columns:3 16rem}.counts li{break-inside:avoid}
#search{width:100%;font-size:1.05rem;padding:.5rem .7rem;border:1px solid var(--line);
border-radius:6px}#results li{margin:.15rem 0}#results .what{color:var(--muted);font-size:.85rem}
.pages a{margin-right:.6rem}
"""

SEARCH = """\
// Client-side search over window.TRADEKG_INDEX ([name, path, kind, other names] rows); no
// network. Names are folded as the command line's resolver folds them (no case, accents or
// punctuation, no leading "the"), matched by whole words, and ranked: exact name or id,
// then names starting with the text, then the text as whole words, then words starting
// with it, then all its words starting words in any order; "viet" never finds "serviettes".
(function () {
  var box = document.getElementById('search');
  var list = document.getElementById('results');
  var info = document.getElementById('result-count');
  var index = window.TRADEKG_INDEX || [];
  var LIMIT = 60;
  function fold(text) {
    var words = text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
      .split(/[^0-9a-z]+/).filter(Boolean);
    if (words.length > 1 && words[0] === 'the') { words.shift(); }
    return words.join(' ');
  }
  var names = index.map(function (row) {
    // the name, the id (read from the page's file name: the index leaves it out), the rest
    var stem = row[1].slice(row[1].lastIndexOf('/') + 1).replace(/\\.html$/, '');
    var all = [fold(row[0]), fold(stem)];
    if (row[3]) { all = all.concat(row[3].split('|')); }
    return all;
  });
  function rank(name, q, words) {
    if (name === q) { return 0; }
    if (name.lastIndexOf(q, 0) === 0) { return 1; }
    var padded = ' ' + name + ' ';
    if (padded.indexOf(' ' + q + ' ') >= 0) { return 2; }
    if (padded.indexOf(' ' + q) >= 0) { return 3; }
    if (words.length > 1 && words.every(function (w) { return padded.indexOf(' ' + w) >= 0; })) {
      return 4;
    }
    return -1;
  }
  function show() {
    var q = fold(box.value);
    list.textContent = '';
    if (!q) { info.textContent = ''; return; }
    var words = q.split(' ');
    var hits = [];
    for (var i = 0; i < index.length; i++) {
      var best = -1;
      for (var j = 0; j < names[i].length; j++) {
        var r = rank(names[i][j], q, words);
        if (r >= 0 && (best < 0 || r < best)) { best = r; if (r === 0) { break; } }
      }
      if (best >= 0) { hits.push([best, index[i][0].length, i]); }
    }
    hits.sort(function (a, b) {
      return a[0] - b[0] || a[1] - b[1] || (index[a[2]][0] < index[b[2]][0] ? -1 : 1);
    });
    for (var k = 0; k < hits.length && k < LIMIT; k++) {
      var row = index[hits[k][2]];
      var li = document.createElement('li');
      var a = document.createElement('a');
      a.href = row[1];
      a.textContent = row[0];
      var what = document.createElement('span');
      what.className = 'what';
      what.textContent = ' — ' + row[2];
      li.appendChild(a);
      li.appendChild(what);
      list.appendChild(li);
    }
    var found = hits.length;
    info.textContent = found > LIMIT ? found + ' found, the first ' + LIMIT + ' shown'
      : found + ' found';
  }
  box.addEventListener('input', show);
  var query = new URLSearchParams(window.location.search).get('q');
  if (query) { box.value = query; }
  show();
})();
"""

#: Sorting and filtering of every ``table.sortable``: a click on a column's heading sorts by
#: it (numbers as numbers, dates as written sort in time order), a box above filters rows.
TABLES = """\
(function () {
  "use strict";
  function key(cell) {
    var text = (cell.textContent || "").trim();
    var number = parseFloat(text.replace(/[^0-9.eE+-]/g, ""));
    return /^[-+]?[0-9.,]+(e[-+]?[0-9]+)?( |$)/i.test(text.replace(/^[A-Z]{3} /, "")) &&
      !isNaN(number) ? number : text.toLowerCase();
  }
  function compare(a, b) {
    if (typeof a === "number" && typeof b === "number") { return a - b; }
    return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var body = table.tBodies[0] || table;
    var headRow = table.tHead ? table.tHead.rows[0] : table.rows[0];
    var rows = Array.prototype.slice.call(body.rows).filter(function (r) { return r !== headRow; });
    if (rows.length > 5) {
      var box = document.createElement("input");
      box.type = "search";
      box.placeholder = "Filter these " + rows.length + " rows";
      box.className = "filter";
      box.setAttribute("aria-label", "filter the table");
      box.addEventListener("input", function () {
        var words = box.value.toLowerCase().split(/\\s+/).filter(Boolean);
        rows.forEach(function (r) {
          var text = r.textContent.toLowerCase();
          r.hidden = !words.every(function (w) { return text.indexOf(w) >= 0; });
        });
      });
      table.parentNode.insertBefore(box, table);
    }
    Array.prototype.forEach.call(headRow.cells, function (th, column) {
      th.title = "sort by this column";
      th.style.cursor = "pointer";
      th.addEventListener("click", function () {
        var down = th.getAttribute("aria-sort") === "ascending";
        Array.prototype.forEach.call(headRow.cells, function (c) {
          c.removeAttribute("aria-sort");
        });
        th.setAttribute("aria-sort", down ? "descending" : "ascending");
        rows.sort(function (a, b) {
          var order = compare(key(a.cells[column] || a), key(b.cells[column] || b));
          return down ? -order : order;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
})();
"""
