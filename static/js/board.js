// The public job board: "离我最近" asks the browser for the visitor's place (nothing is stored)
// and submits the search with it, so the list comes back nearest first.
document.addEventListener("DOMContentLoaded", () => {
  const button = document.querySelector("[data-near]");
  const form = document.getElementById("board-search");
  if (!button || !form || !navigator.geolocation) {
    if (button) button.hidden = true;
    return;
  }
  button.addEventListener("click", () => {
    navigator.geolocation.getCurrentPosition(
      (where) => {
        form.elements.lon.value = where.coords.longitude.toFixed(4);
        form.elements.lat.value = where.coords.latitude.toFixed(4);
        form.submit();
      },
      () => { button.textContent = button.dataset.refused || "无法获取位置"; },
      { timeout: 8000, maximumAge: 600000 },
    );
  });
});
