// Undo and redo over the editor's fields (also Ctrl+Z, Ctrl+Shift+Z and Ctrl+Y): every change
// is a step; the engine renders the result when it is saved.
"use strict";
(function () {
  const form = document.getElementById("editor");
  if (!form) return;
  const undo = document.getElementById("undo");
  const redo = document.getElementById("redo");
  const fields = Array.from(form.querySelectorAll("input:not([type=hidden]), textarea, select"));
  const state = () => fields.map((f) => f.value);
  const past = [state()];
  let at = 0;
  function refresh() {
    undo.disabled = at === 0;
    redo.disabled = at === past.length - 1;
  }
  function restore(values) {
    fields.forEach((f, i) => { f.value = values[i]; });
    refresh();
  }
  form.addEventListener("change", function () {
    const now = state();
    if (now.join("\u0000") === past[at].join("\u0000")) return;
    past.splice(at + 1);
    past.push(now);
    at = past.length - 1;
    refresh();
  });
  undo.addEventListener("click", function () { if (at > 0) { at -= 1; restore(past[at]); } });
  redo.addEventListener("click", function () { if (at < past.length - 1) { at += 1; restore(past[at]); } });
  document.addEventListener("keydown", function (event) {
    if (!(event.ctrlKey || event.metaKey)) return;
    const key = event.key.toLowerCase();
    if (key === "z" && !event.shiftKey) { event.preventDefault(); undo.click(); }
    else if ((key === "z" && event.shiftKey) || key === "y") { event.preventDefault(); redo.click(); }
  });
  refresh();
})();
