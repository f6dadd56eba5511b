/* The Reply link moves the comment form under the comment answered, without a page load, as
 * WordPress's comment-reply.js does. Without JavaScript the link loads the page with
 * ?replytocom=, which renders the same form there. A file of our own: the CSP allows no
 * inline script. */
"use strict";

(function () {
  const respond = document.getElementById("respond");
  const form = document.getElementById("commentform");
  if (!respond || !form) {
    return;
  }
  const parentField = document.getElementById("comment_parent");
  const title = document.getElementById("reply-title");
  const leaveTitle = "Leave Comment";
  // Where the form goes back to on "Cancel reply": its place under the thread.
  const home = document.createElement("div");
  home.id = "respond-home";
  home.hidden = true;

  function cancelLink() {
    let link = document.getElementById("cancel-comment-reply-link");
    if (!link) {
      link = document.createElement("a");
      link.id = "cancel-comment-reply-link";
      link.rel = "nofollow";
      link.href = window.location.pathname + "#respond";
      link.textContent = "Cancel reply";
    }
    return link;
  }

  function setTitle(text, withCancel) {
    title.textContent = text + " ";
    if (withCancel) {
      const small = document.createElement("small");
      small.appendChild(cancelLink());
      title.appendChild(small);
    }
  }

  function replyTo(link) {
    const item = document.getElementById("comment-" + link.dataset.commentid);
    const body = item && item.querySelector(":scope > .comment-body");
    if (!body) {
      return false;
    }
    if (!home.isConnected) {
      respond.before(home);
    }
    body.after(respond);
    parentField.value = link.dataset.commentid;
    // The link's accessible name is the title: "Reply to <name>".
    setTitle(link.getAttribute("aria-label"), true);
    document.getElementById("comment").focus();
    return true;
  }

  function cancel() {
    if (home.isConnected) {
      home.replaceWith(respond);
    } else if (!document.getElementById("comments").contains(respond)) {
      return false;
    }
    parentField.value = "";
    setTitle(leaveTitle, false);
    return true;
  }

  document.addEventListener("click", function (event) {
    const link = event.target.closest("a.comment-reply-link[data-commentid]");
    if (link && replyTo(link)) {
      event.preventDefault();
      return;
    }
    if (event.target.closest("#cancel-comment-reply-link") && cancel()) {
      event.preventDefault();
    }
  });
})();
