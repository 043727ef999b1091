// Follows the exports still in progress: their progress, then the download link.
"use strict";
(function () {
  const rows = Array.from(document.querySelectorAll("tr.export[data-status='inProgress']"));
  function follow(row) {
    const id = row.dataset.export;
    async function poll() {
      try {
        const answer = await fetch("/console/exports/" + id + "/status", { credentials: "same-origin", cache: "no-store" });
        if (answer.ok) {
          const e = await answer.json();
          row.querySelector(".status").textContent = e.status;
          const bar = row.querySelector("progress");
          bar.max = e.total || 1;
          bar.value = e.total ? e.progress : (e.status === "finished" ? 1 : 0);
          if (e.status !== "inProgress") {
            row.dataset.status = e.status;
            if (e.fileUrl) {
              const link = document.createElement("a");
              link.href = e.fileUrl;
              link.setAttribute("download", "");
              link.textContent = "Download " + e.fileName + ".zip";
              row.querySelector(".file").replaceChildren(link);
            }
            return;
          }
        }
      } catch (error) { /* retried below */ }
      setTimeout(poll, 500);
    }
    poll();
  }
  rows.forEach(follow);
})();
