/* WordPress's keyboard shortcuts in the queue: j/k select the next/previous comment; a, u, s, d
 * approve, unapprove, spam and trash it; r and q open Reply and Quick edit; z undoes the last
 * move. Each key presses the selected row's own button or link ([data-shortcut]), so a
 * shortcut does exactly what a click does (comments/queue.js). Keys typed into a field, or
 * with Ctrl, Alt or Meta, are left alone. */
"use strict";

(function () {
  let lastMoved = null;

  function rows() {
    return Array.from(document.querySelectorAll("#result_list > tbody > tr:not(.inline-desk)"));
  }

  function selected() {
    return document.querySelector("#result_list > tbody > tr.is-selected");
  }

  function select(row) {
    const current = selected();
    if (current) {
      current.classList.remove("is-selected");
      current.removeAttribute("aria-current");
    }
    row.classList.add("is-selected");
    row.setAttribute("aria-current", "true");
    row.scrollIntoView({ block: "nearest" });
  }

  function step(by) {
    const all = rows();
    if (!all.length) {
      return;
    }
    const at = all.indexOf(selected());
    const next = at < 0 ? (by > 0 ? 0 : all.length - 1) : Math.min(all.length - 1, Math.max(0, at + by));
    select(all[next]);
  }

  function typing(target) {
    return Boolean(
      target.closest && target.closest("input, textarea, select, [contenteditable=''], [contenteditable=true]")
    );
  }

  function undoLast() {
    const row = selected();
    const here = row && row.querySelector(".row-moved .undo-button");
    const last = lastMoved && lastMoved.isConnected && lastMoved.querySelector(".row-moved .undo-button");
    const button = here || last;
    if (button) {
      button.click();
    }
  }

  document.addEventListener("click", function (event) {
    // A click selects its row too, so the keys then act on the row just used.
    const row = event.target.closest && event.target.closest("#result_list > tbody > tr:not(.inline-desk)");
    if (row) {
      select(row);
      if (event.target.closest("[data-move]")) {
        lastMoved = row;
      }
    }
  }, true);

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented || typing(event.target)) {
      return;
    }
    const key = event.key;
    if (key === "j" || key === "k") {
      event.preventDefault();
      step(key === "j" ? 1 : -1);
      return;
    }
    if (key === "z") {
      event.preventDefault();
      undoLast();
      return;
    }
    const row = selected();
    const target = row && row.querySelector('[data-shortcut="' + key + '"]');
    if (target) {
      event.preventDefault();
      target.click();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    const help = document.querySelector(".keyboard-shortcuts");
    if (help && document.getElementById("result_list")) {
      help.hidden = false;
    }
  });
})();
