// Upload through the presigned flow: ask for a URL, PUT the file straight to it (with progress),
// then register it (as media, or as fonts); all as the signed-in session.
"use strict";
(function () {
  const form = document.getElementById("upload");
  if (!form) return;
  const status = document.getElementById("upload-status");
  const bar = document.getElementById("upload-progress");
  async function call(path, body) {
    const answer = await fetch(path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": form.dataset.csrf },
      body: JSON.stringify(body),
    });
    const data = await answer.json();
    if (!answer.ok) throw new Error(data.message || "refused");
    return data;
  }
  function put(grant, file) {
    return new Promise(function (resolve, reject) {
      const xhr = new XMLHttpRequest();
      xhr.open("PUT", grant.uploadUrl);
      for (const [name, value] of Object.entries(grant.headers)) {
        if (name.toLowerCase() !== "content-length") xhr.setRequestHeader(name, value);
      }
      xhr.upload.onprogress = function (event) {
        if (event.lengthComputable) bar.value = Math.round((event.loaded / event.total) * 100);
      };
      xhr.onload = function () {
        if (xhr.status >= 200 && xhr.status < 300) resolve();
        else reject(new Error("the upload was refused (HTTP " + xhr.status + ")"));
      };
      xhr.onerror = function () { reject(new Error("the upload failed")); };
      xhr.send(file);
    });
  }
  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    const file = form.elements.file.files[0];
    if (!file) return;
    const type = form.elements.type.value;
    const extension = (file.name.split(".").pop() || "").toLowerCase();
    try {
      status.textContent = "Uploading " + file.name;
      const grant = await call("/console/media/presign", { type: type, extension: extension, contentLength: file.size });
      await put(grant, file);
      bar.value = 100;
      const made = await call(form.dataset.register, { type: type, uploadUrl: grant.uploadUrl });
      status.textContent = "Uploaded " + file.name;
      window.location.assign(made.next || form.dataset.back);
    } catch (error) {
      status.textContent = "Upload failed: " + error.message;
    }
  });
})();
