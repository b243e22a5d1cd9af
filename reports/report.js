// Filters for the findings table, and print that opens every <details>. No network, no innerHTML:
// the table is complete without this script; it only hides rows and shows them a page at a time.
(function () {
  "use strict";
  var root = document.documentElement;
  var PAGE = 100;
  var KEYS = ["status", "severity", "team", "req", "account", "region", "check"];
  try {
    var form = document.getElementById("filters");
    var table = document.getElementById("ftable");
    var count = document.getElementById("f-count");
    var more = document.getElementById("f-more");
    var rows = table.tBodies[0].rows;
    var n = rows.length;
    var cols = {};
    KEYS.forEach(function (k) { cols[k] = new Array(n); });
    for (var i = 0; i < n; i++) {
      var d = rows[i].dataset;
      for (var j = 0; j < KEYS.length; j++) { cols[KEYS[j]][i] = d[KEYS[j]] || ""; }
    }
    var text = null;  // lower-cased row text, read on the first search only
    var out = new Uint8Array(n);  // 1 = filtered out (kept in a class too, for print)
    var matched = [];
    var shown = 0;

    var reqMatch = function (list, want) {
      var ids = list.split(" ");
      for (var k = 0; k < ids.length; k++) {
        if (ids[k] === want || ids[k].lastIndexOf(want + ".", 0) === 0) { return true; }
      }
      return false;
    };

    var show = function (upto) {
      for (var k = shown; k < upto && k < matched.length; k++) { rows[matched[k]].classList.add("on"); }
      shown = Math.min(upto, matched.length);
      count.textContent = matched.length + " of " + n + " results match" +
        (shown < matched.length ? "; showing the first " + shown : "");
      more.hidden = shown >= matched.length;
    };

    var apply = function () {
      var want = {};
      KEYS.forEach(function (k) { want[k] = form.elements[k].value; });
      var q = form.elements.q.value.trim().toLowerCase();
      if (q && text === null) {
        text = new Array(n);
        for (var t = 0; t < n; t++) { text[t] = rows[t].textContent.toLowerCase(); }
      }
      for (var s = 0; s < shown; s++) { rows[matched[s]].classList.remove("on"); }
      matched = [];
      shown = 0;
      for (var r = 0; r < n; r++) {
        var ok = true;
        for (var j = 0; j < KEYS.length && ok; j++) {
          var k = KEYS[j], v = want[k];
          if (v) { ok = k === "req" ? reqMatch(cols.req[r], v) : cols[k][r] === v; }
        }
        if (ok && q) { ok = text[r].indexOf(q) !== -1; }
        if (ok) { matched.push(r); }
        if (out[r] !== (ok ? 0 : 1)) {
          out[r] = ok ? 0 : 1;
          rows[r].classList.toggle("out", !ok);
        }
      }
      show(PAGE);
    };

    form.addEventListener("change", apply);
    form.addEventListener("input", function (e) { if (e.target.name === "q") { apply(); } });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    form.addEventListener("reset", function () { setTimeout(apply, 0); });
    more.querySelector("button").addEventListener("click", function () { show(shown + PAGE * 5); });

    // "show them in the findings table" links in the requirement tree set the requirement filter.
    document.addEventListener("click", function (e) {
      var a = e.target.closest ? e.target.closest("a[data-req]") : null;
      if (!a) { return; }
      form.reset();
      form.elements.req.value = a.getAttribute("data-req");
      apply();
    });
    // A link to one finding opens it even when a filter or the page would hide it.
    var reveal = function () {
      var id = decodeURIComponent(location.hash.slice(1));
      var row = id ? document.getElementById(id) : null;
      if (row && row.parentNode && row.parentNode.parentNode === table) { row.classList.add("on"); }
    };
    window.addEventListener("hashchange", reveal);

    form.hidden = false;
    apply();
    reveal();
    root.setAttribute("data-ready", "1");
    if (window.performance && performance.mark) { performance.mark("cardaudit:ready"); }
  } catch (err) {
    // Without the script every row shows again, as with scripts off.
    root.className = root.className.replace(/\bjs\b/g, "");
  }

  // Print and "Save as PDF": every <details> open, so the workpaper carries all evidence guidance.
  var reopen = [];
  window.addEventListener("beforeprint", function () {
    var all = document.querySelectorAll("details:not([open])");
    for (var i = 0; i < all.length; i++) { all[i].open = true; reopen.push(all[i]); }
  });
  window.addEventListener("afterprint", function () {
    reopen.forEach(function (d) { d.open = false; });
    reopen = [];
  });
}());
