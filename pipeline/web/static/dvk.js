// dvk serve: the little script the pages use. Every page works without it (plain forms and links);
// it adds drag-and-drop uploads, saving an appraisal row without leaving the page, and build progress.
"use strict";

function setupDrop(form) {
  const input = form.querySelector("input[type=file]");
  if (!input) return;
  ["dragenter", "dragover"].forEach((name) => form.addEventListener(name, (event) => {
    event.preventDefault();
    form.classList.add("over");
  }));
  ["dragleave", "drop"].forEach((name) => form.addEventListener(name, () => form.classList.remove("over")));
  form.addEventListener("drop", (event) => {
    event.preventDefault();
    if (!event.dataTransfer || !event.dataTransfer.files.length) return;
    input.files = event.dataTransfer.files;
    const hint = form.querySelector("[data-drop-hint]");
    if (hint) hint.textContent = "Đã chọn " + input.files.length + " tệp.";
    if (form.checkValidity()) form.requestSubmit();
    else form.reportValidity();
  });
}

function setupAutosave(form) {
  const status = form.querySelector(".saved");
  const select = form.querySelector("select");
  const note = form.querySelector("input[name=ghi-chu]");
  const row = form.closest("tr");
  // The choice saves itself: no "Lưu" button beside it (the button is for pages without the script).
  form.querySelectorAll("[data-no-script]").forEach((button) => { button.hidden = true; });
  // Saves go one after another (arrow keys through the options fire a change each): the last choice
  // is always the one left in the workbook.
  let queue = Promise.resolve();
  const post = () => { queue = queue.then(send); };
  const send = async () => {
    status.classList.remove("error");
    status.textContent = "Đang lưu…";
    try {
      const response = await fetch(form.action, {
        method: "POST", body: new FormData(form), headers: { Accept: "application/json" }, credentials: "same-origin",
      });
      const answer = await response.json();
      status.textContent = answer.ok ? "Đã lưu" : answer.messages.join(" ");
      if (!answer.ok) status.classList.add("error");
      else if (row && select) {
        row.classList.toggle("pending", !select.value);
        row.classList.toggle("decided", !!select.value);
      }
    } catch (error) {
      status.textContent = "Chưa lưu: không kết nối được máy chủ dvk.";
      status.classList.add("error");
    }
  };
  form.addEventListener("submit", (event) => { event.preventDefault(); post(); });
  if (select) select.addEventListener("change", post);
  if (note) note.addEventListener("change", post);
}

function setupCheckAll(box) {
  const form = box.dataset.checkAll;
  box.addEventListener("change", () => {
    document.querySelectorAll(`input[type=checkbox][form="${form}"]`).forEach((item) => { item.checked = box.checked; });
  });
}

function followBuild(section) {
  const job = section.dataset.job;
  const bar = section.querySelector("[data-progress]");
  const text = section.querySelector("[data-progress-text]");
  const tick = async () => {
    try {
      const response = await fetch("/van-ban/tien-do?lan=" + encodeURIComponent(job), { credentials: "same-origin" });
      const state = await response.json();
      if (state.finished) { window.location.reload(); return; }
      if (bar) { bar.max = state.total || 1; bar.value = state.done; }
      if (text) text.textContent = "Đang " + state.stage + (state.total ? ": " + state.done + "/" + state.total : "") + "…";
    } catch (error) { /* the next tick tries again */ }
    window.setTimeout(tick, 400);
  };
  window.setTimeout(tick, 300);
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form[data-drop]").forEach(setupDrop);
  document.querySelectorAll("form[data-autosave]").forEach(setupAutosave);
  document.querySelectorAll("input[data-check-all]").forEach(setupCheckAll);
  document.querySelectorAll("[data-job]").forEach(followBuild);
});
