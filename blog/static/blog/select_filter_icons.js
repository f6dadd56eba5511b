// Django's SelectFilter2 (the category chooser) puts aria-label on a span that has no role,
// which ARIA forbids (axe: aria-prohibited-attr). It builds the widget on window load, and
// this listener, added after its own, then gives each of those icons the role it plays.
window.addEventListener("load", () => {
  for (const icon of document.querySelectorAll(".selector .search-label-icon[aria-label]")) {
    icon.setAttribute("role", "img");
  }
});
