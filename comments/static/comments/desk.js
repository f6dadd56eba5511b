/* The editor's desk: Reply, "Approve and reply" and Quick edit open inline under the row.
 * Without JavaScript each link opens its own page; with it, that page's form is fetched and
 * shown under the row, like WordPress's Quick Reply. The form posts to the same view, which
 * returns to the queue. No inline script or style: the strict CSP allows only our files. */
"use strict";

(function () {
  function closeOpen() {
    document.querySelectorAll("tr.inline-desk").forEach(function (row) { row.remove(); });
  }

  async function openInline(link, row) {
    let response;
    try {
      response = await fetch(link.href, { credentials: "same-origin" });
    } catch (error) {
      window.location.assign(link.href);
      return;
    }
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const form = page.querySelector("[data-inline-form]");
    if (!response.ok || !form) {
      window.location.assign(link.href);
      return;
    }
    closeOpen();
    const inline = document.createElement("tr");
    inline.className = "inline-desk";
    const cell = document.createElement("td");
    cell.colSpan = row.children.length;
    cell.append(document.importNode(form, true));
    inline.append(cell);
    row.after(inline);
    const first = cell.querySelector("textarea, input:not([type=hidden]):not([type=checkbox])");
    if (first) {
      first.focus();
    }
  }

  document.addEventListener("click", function (event) {
    const cancel = event.target.closest(
      "tr.inline-desk #cancel-comment-reply-link, tr.inline-desk .cancel-inline"
    );
    if (cancel) {
      event.preventDefault();
      cancel.closest("tr.inline-desk").remove();
      return;
    }
    const link = event.target.closest("#result_list a[data-inline]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) {
      return;
    }
    event.preventDefault();
    openInline(link, link.closest("tr"));
  });
})();
