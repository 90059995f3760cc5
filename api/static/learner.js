// The learner page's only script: "print / save as PDF" (without JavaScript the page says to use the browser's).
document.documentElement.classList.add("js");
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
