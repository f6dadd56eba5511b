/* The queue's row moves without a reload, and their Undo, as WordPress's comment list does.
 * Without JavaScript each row's button submits the changelist's form to the move's page,
 * which redirects back with a message and an Undo form. With it, the button posts with
 * fetch (the form's own CSRF token), asking for JSON; the row then says what happened and
 * offers Undo, which puts the row back as it was. Markup comes from the page's
 * <template id="row-moved">; no inline script or style: the strict CSP allows only our files.
 * After each move and Undo, every count on the page (the filters' "Needs review (5)", the
 * Empty spam/trash buttons, the paginator, each row's "3 pending" and "2 approved") is read
 * again from the page as the server now renders it, without a reload. */
"use strict";

(function () {
  // The cells of each moved row, to put back on Undo.
  const movedCells = new WeakMap();

  function csrfToken() {
    const field = document.querySelector("#changelist-form [name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  async function post(url, fields) {
    const body = new FormData();
    body.append("csrfmiddlewaretoken", csrfToken());
    Object.entries(fields).forEach(function ([name, value]) { body.append(name, value); });
    const response = await fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    let answer = {};
    try {
      answer = await response.json();
    } catch (error) {
      answer = {};
    }
    return { ok: response.ok, answer: answer };
  }

  function say(row, text, answer) {
    const notice = document.getElementById("row-moved").content.firstElementChild.cloneNode(true);
    notice.colSpan = Math.max(1, row.cells.length);
    notice.querySelector(".undo-said").textContent = text;
    const button = notice.querySelector(".undo-button");
    if (answer && answer.undo) {
      button.dataset.url = answer.undo_url;
      button.dataset.token = answer.undo;
    } else {
      button.remove();
    }
    return notice;
  }

  // Regions that hold counts and nothing a reader has changed: taken whole from the fresh page.
  const WHOLE = [".object-tools", "#changelist .paginator"];
  // In each row still shown, the parts that carry counts.
  const IN_ROWS = [".comment-post", ".comment-author"];

  function swap(here, there) {
    if (here && there) {
      here.replaceWith(document.importNode(there, true));
    }
  }

  async function refreshCounts() {
    let fresh;
    try {
      const response = await fetch(window.location.href, {
        credentials: "same-origin",
        headers: { Accept: "text/html" },
      });
      if (!response.ok) {
        return;
      }
      fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    } catch (error) {
      return; // the counts stay as they were; a reload shows them
    }
    WHOLE.forEach(function (selector) {
      swap(document.querySelector(selector), fresh.querySelector(selector));
    });
    // The filters keep their open or closed state: only each link's words change. The same
    // address has the same filters, link for link ("All" links share one href: go by place).
    const freshLinks = fresh.querySelectorAll("#changelist-filter a[href]");
    const links = document.querySelectorAll("#changelist-filter a[href]");
    if (freshLinks.length === links.length) {
      links.forEach(function (link, index) {
        if (link.textContent !== freshLinks[index].textContent) {
          link.textContent = freshLinks[index].textContent;
        }
      });
    }
    document.querySelectorAll("#result_list tbody tr").forEach(function (row) {
      const box = row.querySelector("input.action-select");
      if (!box) {
        return; // a moved row: it says what happened
      }
      const freshBox = fresh.querySelector(
        '#result_list input.action-select[value="' + CSS.escape(box.value) + '"]'
      );
      if (!freshBox) {
        return;
      }
      const freshRow = freshBox.closest("tr");
      IN_ROWS.forEach(function (selector) {
        swap(row.querySelector(selector), freshRow.querySelector(selector));
      });
    });
    document.dispatchEvent(new CustomEvent("queue:counts-refreshed"));
  }

  async function move(button) {
    const row = button.closest("tr");
    button.disabled = true;
    let result;
    try {
      result = await post(button.formAction, {});
    } catch (error) {
      // Offline or refused: the page's own way still works.
      button.disabled = false;
      button.form.requestSubmit(button);
      return;
    }
    const text = (result.answer.messages || []).join(" ");
    if (!result.ok && !text) {
      button.disabled = false;
      button.form.requestSubmit(button);
      return;
    }
    button.disabled = false;
    movedCells.set(row, Array.from(row.cells));
    const notice = say(row, text, result.ok ? result.answer : null);
    row.replaceChildren(notice);
    row.classList.add("row-moved-row", "moved-" + (result.answer.move || "none"));
    const undoButton = notice.querySelector(".undo-button");
    if (undoButton) {
      undoButton.focus({ preventScroll: true });
    }
    if (result.ok) {
      await refreshCounts();
    }
  }

  async function undo(button) {
    const row = button.closest("tr");
    button.disabled = true;
    let result;
    try {
      result = await post(button.dataset.url, { undo: button.dataset.token });
    } catch (error) {
      button.disabled = false;
      return;
    }
    const cells = movedCells.get(row);
    if (result.ok && result.answer.changed && cells) {
      row.replaceChildren(...cells);
      row.className = row.className.replace(/\s*(row-moved-row|moved-\S+)/g, "");
      movedCells.delete(row);
      const first = row.querySelector("button.row-action, a.row-action");
      if (first) {
        first.focus({ preventScroll: true });
      }
      await refreshCounts();
      return;
    }
    // Changed since, or refused: say so where the Undo was.
    row.replaceChildren(say(row, (result.answer.messages || []).join(" "), null));
  }

  document.addEventListener("click", function (event) {
    const undoButton = event.target.closest("#result_list .row-moved .undo-button");
    if (undoButton) {
      event.preventDefault();
      undo(undoButton);
      return;
    }
    const button = event.target.closest("#result_list button.row-action[data-move]");
    if (!button || !window.fetch) {
      return;
    }
    event.preventDefault();
    move(button);
  });
})();
