"""The report's stylesheet and script: two small files of our own, so pages load nothing from anywhere else.

The script only filters rows already in the page (it reads data-* attributes and sets `hidden`); it
never builds markup from page content. The filter state lives in the URL fragment, so a filtered view
is a link a colleague can open (`index.html#material&category=sale`).
"""

from __future__ import annotations

ICON = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#0645ad"/><path d="M4 8h8M4 4h8M4 12h5" stroke="#fff" stroke-width="2"/></svg>
"""

CSS = """\
:root { --fg: #1b1b1b; --muted: #555; --bg: #fff; --line: #ccc; --link: #0645ad;
  --del-bg: #ffe0e0; --del-fg: #7a0000; --ins-bg: #d9f5dd; --ins-fg: #004d14;
  --material: #a00000; --minor: #7a5200; --noise: #555; }
* { box-sizing: border-box; }
body { margin: 0; font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header, main, footer { max-width: 72rem; margin: 0 auto; padding: 0.75rem 1rem; }
header { border-bottom: 1px solid var(--line); }
header nav ol { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 0.25rem 0.5rem; }
header nav li + li::before { content: "›"; margin-right: 0.5rem; color: var(--muted); }
footer { color: var(--muted); font-size: 0.875rem; border-top: 1px solid var(--line); }
a { color: var(--link); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, summary:focus-visible {
  outline: 3px solid #1a73e8; outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: #fff; padding: 0.5rem; }
.skip:focus { left: 0.5rem; z-index: 10; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 0.5rem 0 0.75rem; }
h2 { font-size: 1.3rem; margin: 1.5rem 0 0.5rem; }
h3 { font-size: 1.1rem; margin: 1.25rem 0 0.5rem; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 0.4rem 0.5rem; border-bottom: 1px solid var(--line); }
th { font-weight: 600; }
.severity { font-weight: 600; text-transform: uppercase; font-size: 0.8rem; letter-spacing: 0.03em; }
.severity.material { color: var(--material); }
.severity.minor { color: var(--minor); }
.severity.noise { color: var(--noise); }
.state { font-size: 0.875rem; padding: 0.05rem 0.4rem; border: 1px solid var(--line); border-radius: 0.25rem; white-space: nowrap; }
.state.unreviewed { border-style: dashed; }
.failing { color: var(--material); font-weight: 600; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
del { background: var(--del-bg); color: var(--del-fg); text-decoration: line-through; }
ins { background: var(--ins-bg); color: var(--ins-fg); text-decoration: underline; }
/* Screen readers are told where a change starts and ends; the words are also struck or underlined. */
del::before { content: " [removed: "; } del::after { content: "] "; }
ins::before { content: " [added: "; } ins::after { content: "] "; }
del::before, del::after, ins::before, ins::after {
  position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
.clause { border: 1px solid var(--line); border-radius: 0.375rem; padding: 0.5rem 0.75rem; margin: 0.75rem 0; }
.clause h4 { font-size: 1rem; margin: 0 0 0.25rem; font-weight: 600; }
.clause .why { color: var(--muted); margin: 0 0 0.5rem; }
.side { display: grid; grid-template-columns: 1fr 1fr; gap: 0.75rem; }
.side > div { min-width: 0; }
.side p.label { font-weight: 600; margin: 0; }
.views { border: 1px solid var(--line); border-radius: 0.375rem; padding: 0.25rem 0.75rem; display: inline-flex; flex-wrap: wrap; gap: 1rem; }
body:has(#view-inline:checked) .side { display: none; }
body:has(#view-side:checked) .inline { display: none; }
.filters[hidden] { display: none; }
.filters { border: 1px solid var(--line); border-radius: 0.375rem; padding: 0.5rem 0.75rem; display: flex; flex-wrap: wrap; gap: 0.5rem 1.25rem; align-items: center; }
.policy-text { white-space: pre-wrap; overflow-wrap: anywhere; font: 0.95rem/1.5 ui-monospace, Menlo, Consolas, monospace; background: #f7f7f7; padding: 0.75rem; border-radius: 0.375rem; }
.timeline { list-style: none; padding: 0; }
.timeline li { border-left: 3px solid var(--line); padding: 0.25rem 0 0.75rem 0.75rem; }
.timeline li.change { border-left-color: var(--minor); }
.timeline li.change.material { border-left-color: var(--material); }
code { overflow-wrap: anywhere; }
@media (max-width: 40rem) {
  /* Each table row becomes a card; each value is introduced by its column's name. */
  .table-wrap table, .table-wrap tbody, .table-wrap tr, .table-wrap td { display: block; }
  .table-wrap thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }
  .table-wrap tr { border: 1px solid var(--line); border-radius: 0.375rem; margin: 0 0 0.75rem; padding: 0.25rem 0.5rem; }
  .table-wrap tr[hidden] { display: none; }
  .table-wrap td { border: 0; padding: 0.15rem 0; }
  .table-wrap td::before { content: attr(data-label) ": "; font-weight: 600; }
  .side { grid-template-columns: 1fr; }
  dl.facts { grid-template-columns: 1fr; }
  dl.facts dd { margin-bottom: 0.5rem; }
  h1 { font-size: 1.35rem; }
}
@media (prefers-color-scheme: dark) {
  :root { --fg: #e8e8e8; --muted: #aaa; --bg: #161616; --line: #444; --link: #8ab4f8;
    --del-bg: #4a1717; --del-fg: #ffd2d2; --ins-bg: #123d1e; --ins-fg: #c9f7d3; --material: #ff8a80; --minor: #f0c36d; }
  .policy-text { background: #222; } .skip { background: #000; }
}
@media print { .filters, .views, .skip { display: none; } }
"""

JS = """\
// Filters the rows already in the page; the state lives in the URL fragment (#material&category=sale).
(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form) { return; }
  var material = document.getElementById("f-material");
  var category = document.getElementById("f-category");
  var tag = document.getElementById("f-tag");
  var unreviewed = document.getElementById("f-unreviewed");
  var status = document.getElementById("filter-status");

  function words(row, name) { return (row.getAttribute(name) || "").split(" ").filter(Boolean); }

  function matches(row) {
    if (material.checked && row.getAttribute("data-severity") !== "material") { return false; }
    if (category.value && words(row, "data-categories").indexOf(category.value) < 0) { return false; }
    if (tag.value && words(row, "data-tags").indexOf(tag.value) < 0) { return false; }
    if (unreviewed.checked && row.getAttribute("data-unreviewed") !== "yes") { return false; }
    return true;
  }

  function count(selector) {
    var rows = document.querySelectorAll(selector), shown = 0;
    for (var i = 0; i < rows.length; i++) {
      var ok = matches(rows[i]);
      rows[i].hidden = !ok;
      if (ok) { shown++; }
    }
    return [shown, rows.length];
  }

  function toFragment() {
    var parts = [];
    if (material.checked) { parts.push("material"); }
    if (category.value) { parts.push("category=" + encodeURIComponent(category.value)); }
    if (tag.value) { parts.push("tag=" + encodeURIComponent(tag.value)); }
    if (unreviewed.checked) { parts.push("unreviewed"); }
    return parts.join("&");
  }

  function fromFragment() {
    var state = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (part) {
      var kv = part.split("=");
      if (kv[0]) { state[kv[0]] = kv.length > 1 ? decodeURIComponent(kv[1]) : "yes"; }
    });
    material.checked = state.material === "yes";
    unreviewed.checked = state.unreviewed === "yes";
    setSelect(category, state.category || "");
    setSelect(tag, state.tag || "");
  }

  function setSelect(select, value) {
    for (var i = 0; i < select.options.length; i++) {
      if (select.options[i].value === value) { select.selectedIndex = i; return; }
    }
    select.selectedIndex = 0;
  }

  function apply(updateUrl) {
    var changes = count("#changes tbody tr");
    var docs = count("#documents tbody tr");
    status.textContent = "Showing " + changes[0] + " of " + changes[1] + " changes and " +
      docs[0] + " of " + docs[1] + " documents.";
    if (updateUrl && history.replaceState) {
      var fragment = toFragment();
      history.replaceState(null, "", fragment ? "#" + fragment : location.pathname + location.search);
    }
  }

  form.hidden = false;
  form.addEventListener("change", function () { apply(true); });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  window.addEventListener("hashchange", function () { fromFragment(); apply(false); });
  fromFragment();
  apply(false);
})();
"""
