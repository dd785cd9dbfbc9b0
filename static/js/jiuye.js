// Small behaviours of the app shell; everything else is HTMX attributes in the templates.
document.addEventListener("click", (event) => {
  const navButton = event.target.closest("[data-toggle-nav]");
  if (navButton) {
    const nav = document.getElementById(navButton.getAttribute("aria-controls"));
    const open = nav.classList.toggle("open");
    navButton.setAttribute("aria-expanded", String(open));
    return;
  }
  const all = event.target.closest("[data-select-all]");
  if (all) {
    // A list's "select all" box ticks (or clears) the boxes of its form that carry the named field.
    for (const box of all.form.querySelectorAll(`input[type=checkbox][name="${all.dataset.selectAll}"]`)) {
      box.checked = all.checked;
    }
    return;
  }
  const rowButton = event.target.closest("[data-toggle-row]");
  if (rowButton) {
    const target = document.getElementById(rowButton.dataset.toggleRow);
    if (target && target.childElementCount > 0) {
      // Already loaded: collapse instead of fetching again.
      event.preventDefault();
      event.stopImmediatePropagation();
      target.replaceChildren();
      rowButton.textContent = "▸";
    } else {
      rowButton.textContent = "▾";
    }
  }
}, true);

// A region picker redrawn after a choice (regions/_picker.html): a form that filters as it changes
// hears "region-picked" once the new code is in place (its own drop-downs' changes are left out).
document.addEventListener("htmx:afterSettle", (event) => {
  const picker = event.target;
  if (picker instanceof Element && picker.classList.contains("region-picker")) {
    picker.dispatchEvent(new CustomEvent("region-picked", { bubbles: true }));
  }
});
