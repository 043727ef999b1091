// The variant editor: layers selected, moved and resized on the picture itself (pointer or
// keyboard), written into the same form fields Save posts; undo and redo over those fields
// (also Ctrl+Z, Ctrl+Shift+Z and Ctrl+Y); and a live preview the engine draws from the form as
// it stands, so what is shown is what Save will make, fitting rules included.
"use strict";
(function () {
  const form = document.getElementById("editor");
  if (!form) return;
  const stage = document.getElementById("stage");
  const picture = document.getElementById("preview-image");
  const status = document.getElementById("preview-status");
  const undo = document.getElementById("undo");
  const redo = document.getElementById("redo");
  const canvas = { w: Number(stage.dataset.width), h: Number(stage.dataset.height) };
  const original = { src: picture.src, alt: picture.alt };
  const handles = Array.from(stage.querySelectorAll(".handle"));
  const fields = Array.from(form.querySelectorAll("input:not([type=hidden]), textarea, select"));

  // --- the layers' boxes, as the form holds them ---
  const box = (id) => ({
    x: document.getElementById("x-" + id),
    y: document.getElementById("y-" + id),
    w: document.getElementById("w-" + id),
    h: document.getElementById("h-" + id),
  });
  const read = (id) => {
    const b = box(id);
    return { x: Number(b.x.value) || 0, y: Number(b.y.value) || 0, w: Number(b.w.value) || 0, h: Number(b.h.value) || 0 };
  };
  function write(handle, values) {
    // A text box must stay on the canvas (the engine refuses it otherwise); an image or a
    // shape may bleed off its edges.
    const id = handle.dataset.layer;
    const r = Object.assign(read(id), values);
    for (const k of Object.keys(r)) r[k] = Math.round(r[k]);
    if (handle.dataset.kind === "text") {
      r.w = Math.min(r.w, canvas.w);
      r.h = Math.min(r.h, canvas.h);
      if ("x" in values) r.x = Math.min(Math.max(r.x, 0), canvas.w - r.w);
      if ("y" in values) r.y = Math.min(Math.max(r.y, 0), canvas.h - r.h);
      r.w = Math.min(r.w, canvas.w - r.x);
      r.h = Math.min(r.h, canvas.h - r.y);
    }
    const b = box(id);
    for (const k of Object.keys(values)) b[k].value = String(r[k]);
  }
  function place(handle) {
    // Percentages of the canvas, so the handles follow the picture at any width.
    const r = read(handle.dataset.layer);
    handle.style.left = (r.x / canvas.w) * 100 + "%";
    handle.style.top = (r.y / canvas.h) * 100 + "%";
    handle.style.width = (Math.max(r.w, 1) / canvas.w) * 100 + "%";
    handle.style.height = (Math.max(r.h, 1) / canvas.h) * 100 + "%";
  }
  const placeAll = () => handles.forEach(place);

  // --- selection, shared by the picture and the form ---
  function select(id) {
    handles.forEach((h) => h.setAttribute("aria-pressed", String(h.dataset.layer === id)));
    form.querySelectorAll(".layer").forEach((g) => g.classList.toggle("selected", g.dataset.layer === id));
  }
  form.addEventListener("focusin", function (event) {
    const group = event.target.closest(".layer");
    if (group) select(group.dataset.layer);
  });
  const changed = () => form.dispatchEvent(new Event("change", { bubbles: true }));

  // --- direct manipulation: drag to move, the corner grip to resize ---
  let drag = null;
  handles.forEach(function (handle) {
    const id = handle.dataset.layer;
    handle.addEventListener("pointerdown", function (event) {
      if (event.button !== 0) return;
      event.preventDefault();
      handle.focus();
      select(id);
      const group = form.querySelector('.layer[data-layer="' + id + '"]');
      if (group) group.scrollIntoView({ block: "nearest" });
      drag = { id, handle, resize: event.target.classList.contains("grip"), px: event.clientX, py: event.clientY, from: read(id), moved: false };
      handle.setPointerCapture(event.pointerId);
    });
    handle.addEventListener("pointermove", function (event) {
      if (!drag || drag.handle !== handle) return;
      const scale = canvas.w / stage.clientWidth;
      const dx = (event.clientX - drag.px) * scale;
      const dy = (event.clientY - drag.py) * scale;
      const f = drag.from;
      if (drag.resize) write(handle, { w: Math.max(8, f.w + dx), h: Math.max(8, f.h + dy) });
      else write(handle, { x: f.x + dx, y: f.y + dy });
      drag.moved = drag.moved || Math.abs(dx) >= 1 || Math.abs(dy) >= 1;
      place(handle);
    });
    function end() {
      if (!drag || drag.handle !== handle) return;
      const moved = drag.moved;
      drag = null;
      if (moved) changed();
    }
    handle.addEventListener("pointerup", end);
    handle.addEventListener("pointercancel", end);
    handle.addEventListener("keydown", function (event) {
      const steps = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        select(id);
        return;
      }
      const step = steps[event.key];
      if (!step) return;
      event.preventDefault();
      select(id);
      const by = event.shiftKey ? 10 : 1;
      const r = read(id);
      if (event.altKey) write(handle, { w: Math.max(8, r.w + step[0] * by), h: Math.max(8, r.h + step[1] * by) });
      else write(handle, { x: r.x + step[0] * by, y: r.y + step[1] * by });
      place(handle);
      changed();
    });
  });

  // --- the live preview, drawn by the engine from the form ---
  let pending = null;
  let timer = 0;
  let shown = null;
  function show(src, alt) {
    if (shown) URL.revokeObjectURL(shown);
    shown = src === original.src ? null : src;
    picture.src = src;
    picture.alt = alt;
  }
  async function refreshPreview(values) {
    if (pending) pending.abort();
    if (values.join("\u0000") === past[0].join("\u0000")) {
      show(original.src, original.alt);
      status.textContent = "No changes yet";
      return;
    }
    pending = new AbortController();
    status.textContent = "Drawing the preview…";
    try {
      const answer = await fetch(stage.dataset.previewUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRF-Token": form.dataset.csrf },
        body: new URLSearchParams(new FormData(form)),
        signal: pending.signal,
      });
      if (!answer.ok) {
        const data = await answer.json();
        const reasons = (data.errors || []).map((e) => e.reason).join("; ");
        status.textContent = "Save would be refused: " + (reasons || data.message);
        return;
      }
      const blob = await answer.blob();
      show(URL.createObjectURL(blob), "preview of your changes, " + canvas.w + " by " + canvas.h);
      status.textContent = "Preview: as Save will draw it";
    } catch (error) {
      if (error.name !== "AbortError") status.textContent = "The preview could not be drawn: " + error.message;
    }
  }
  function schedule() {
    clearTimeout(timer);
    status.textContent = "Drawing the preview…";
    timer = setTimeout(() => refreshPreview(state()), 250);
  }
  form.addEventListener("input", function (event) {
    if (event.target.tagName === "TEXTAREA") schedule();
  });

  // --- undo and redo over the form's fields ---
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
    placeAll();
    schedule();
  }
  form.addEventListener("change", function () {
    placeAll();
    const now = state();
    if (now.join("\u0000") === past[at].join("\u0000")) return;
    past.splice(at + 1);
    past.push(now);
    at = past.length - 1;
    refresh();
    schedule();
  });
  undo.addEventListener("click", function () { if (at > 0) { at -= 1; restore(past[at]); } });
  redo.addEventListener("click", function () { if (at < past.length - 1) { at += 1; restore(past[at]); } });
  document.addEventListener("keydown", function (event) {
    if (!(event.ctrlKey || event.metaKey)) return;
    const key = event.key.toLowerCase();
    if (key === "z" && !event.shiftKey) { event.preventDefault(); undo.click(); }
    else if ((key === "z" && event.shiftKey) || key === "y") { event.preventDefault(); redo.click(); }
  });

  placeAll();
  document.getElementById("handles").hidden = false;
  refresh();
})();
