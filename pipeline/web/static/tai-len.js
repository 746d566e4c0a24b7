// dvk serve, Hồ sơ: taking in a whole campaign. Many files, whole folders (the folder picker, or folders
// dragged onto the form) and .zip files go in one request, each file named by its path inside the folder
// chosen ("Phường A/Báo cáo.docx") so the server keeps the folders. The total size is checked before
// sending; progress is shown while sending. Without this script the form still posts the chosen files.
"use strict";

(function () {
  const MB = 1024 * 1024;
  const megabytes = (n) => (n / MB).toFixed(1).replace(".", ",");
  const size = (n) => (n < MB ? Math.ceil(n / 1024) + " KB" : megabytes(n) + " MB");

  function readBatch(reader) {
    return new Promise((resolve, reject) => reader.readEntries(resolve, reject));
  }

  // A dropped file or folder, walked depth first; a folder reader gives its entries in batches.
  async function collect(entry, into) {
    if (entry.isFile) {
      const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
      into.push({ file: file, path: entry.fullPath.replace(/^\/+/, "") });
    } else if (entry.isDirectory) {
      const reader = entry.createReader();
      for (;;) {
        const batch = await readBatch(reader);
        if (!batch.length) break;
        for (const child of batch) await collect(child, into);
      }
    }
  }

  function textOf(html) {
    const page = new DOMParser().parseFromString(html || "", "text/html");
    const part = page.querySelector("main p, main pre, p");
    return part ? part.textContent.trim() : "";
  }

  function setupUpload(form) {
    const status = form.querySelector("[data-chosen]");
    const bar = form.querySelector("[data-upload-progress]");
    const button = form.querySelector("button[type=submit]");
    let chosen = [];

    const show = (text, bad) => {
      status.textContent = text;
      status.classList.toggle("problem", Boolean(bad));
    };

    const send = () => {
      if (!chosen.length) { show("Chưa chọn tệp nào để tải lên.", true); return; }
      const total = chosen.reduce((sum, item) => sum + item.file.size, 0);
      const limit = Number(form.dataset.maxBytes);
      if (total > limit) {
        show("Tổng dung lượng " + size(total) + " vượt quá " + size(limit) + " cho một lần gửi; " +
          "chia thành nhiều lần (ví dụ từng thư mục) rồi gửi lại. Chưa gửi tệp nào.", true);
        return;
      }
      const data = new FormData();
      form.querySelectorAll("input[type=hidden], input[name=don-vi]").forEach((input) => data.append(input.name, input.value));
      chosen.forEach((item) => data.append("tep", item.file, item.path));
      const request = new XMLHttpRequest();
      request.open("POST", form.action);
      request.setRequestHeader("Accept", "application/json");
      request.upload.addEventListener("progress", (event) => {
        bar.hidden = false;
        bar.max = event.total || 1;
        bar.value = event.loaded;
        show("Đang gửi " + chosen.length + " tệp: " + size(event.loaded) + " / " + size(event.total) + "…");
      });
      request.upload.addEventListener("load", () => show("Đã gửi xong; đang lưu và kiểm tra " + chosen.length + " tệp…"));
      request.addEventListener("load", () => {
        let answer = null;
        try { answer = JSON.parse(request.responseText); } catch (error) { answer = null; }
        if (answer && answer.next) { window.location.href = answer.next; return; }
        button.disabled = false;
        show(textOf(request.responseText) || "Máy chủ dvk không nhận tệp (mã " + request.status + ").", true);
      });
      request.addEventListener("error", () => {
        button.disabled = false;
        show("Chưa gửi được: không kết nối được máy chủ dvk.", true);
      });
      button.disabled = true;
      request.send(data);
    };

    const choose = (items) => {
      chosen = items;
      const total = items.reduce((sum, item) => sum + item.file.size, 0);
      show("Đã chọn " + items.length + " tệp (" + size(total) + ").");
      send();
    };

    form.querySelectorAll("input[type=file]").forEach((input) => input.addEventListener("change", () => {
      choose(Array.from(input.files).map((file) => ({ file: file, path: file.webkitRelativePath || file.name })));
      input.value = "";
    }));
    ["dragenter", "dragover"].forEach((name) => form.addEventListener(name, (event) => {
      event.preventDefault();
      form.classList.add("over");
    }));
    ["dragleave", "drop"].forEach((name) => form.addEventListener(name, () => form.classList.remove("over")));
    form.addEventListener("drop", async (event) => {
      event.preventDefault();
      const transfer = event.dataTransfer;
      if (!transfer) return;
      // The entries must be taken while the drop event runs: the list is emptied after it.
      const entries = Array.from(transfer.items || [])
        .map((item) => (item.webkitGetAsEntry ? item.webkitGetAsEntry() : null))
        .filter(Boolean);
      const files = Array.from(transfer.files || []);
      if (!entries.length) { choose(files.map((file) => ({ file: file, path: file.name }))); return; }
      show("Đang đọc các thư mục đã thả…");
      const items = [];
      try {
        for (const entry of entries) await collect(entry, items);
      } catch (error) {
        show("Không đọc được thư mục đã thả (" + error.name + "); thử nút “Chọn thư mục…”.", true);
        return;
      }
      choose(items);
    });
    form.addEventListener("submit", (event) => { event.preventDefault(); send(); });
  }

  document.addEventListener("DOMContentLoaded", () => document.querySelectorAll("form[data-upload]").forEach(setupUpload));
})();
