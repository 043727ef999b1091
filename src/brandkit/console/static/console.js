// The console's own routes for the links the API hands out (the fragment never reaches the
// server): an editor link opens the variant's editor; any other, the designs.
"use strict";
(function () {
  const next = document.getElementById("next");
  if (next && location.hash) next.value = location.hash;
  const route = document.getElementById("route");
  if (!route || route.dataset.route !== "home") return;
  const m = location.hash.match(/^#\/variant\/([A-Za-z0-9_-]{1,40})\/independent-design-editor/);
  location.replace(m ? "/console/variants/" + m[1] + "/edit" : "/console/designs");
})();

// Follows a design request until it ends: progress, then its variants (or the reason it failed).
"use strict";
(function () {
  const box = document.getElementById("request");
  if (!box) return;
  const status = document.getElementById("request-status");
  const bar = document.getElementById("request-progress");
  const list = document.getElementById("request-variants");
  const url = box.dataset.statusUrl;
  function show(body) {
    bar.value = body.progress || 0;
    if (body.status === "completed") {
      status.textContent = "Completed";
      if (!body.result || !body.result.variations) {
        // Not a design (a brand read off a website): the page shows such a result itself.
        location.reload();
        return true;
      }
      list.replaceChildren();
      for (const v of body.result.variations) {
        const item = document.createElement("li");
        item.className = "variant";
        const link = document.createElement("a");
        link.href = v.variantEditLink;
        const img = document.createElement("img");
        img.src = v.variantImageUrl;
        img.alt = "generated variant " + v.variantId + ", " + v.variantWidth + " by " + v.variantHeight;
        img.width = v.variantWidth;
        img.height = v.variantHeight;
        link.append(img);
        item.append(link);
        list.append(item);
      }
      return true;
    }
    if (body.status === "failed") {
      status.textContent = "Failed: " + (body.reason || "unknown reason");
      return true;
    }
    status.textContent = body.status === "pending" ? "Waiting for a worker" : "Rendering";
    return false;
  }
  async function poll() {
    try {
      const answer = await fetch(url, { credentials: "same-origin", cache: "no-store" });
      if (answer.ok && show(await answer.json())) return;
    } catch (error) {
      status.textContent = "Reconnecting";
    }
    setTimeout(poll, 500);
  }
  if (box.dataset.done !== "true") poll();
})();
