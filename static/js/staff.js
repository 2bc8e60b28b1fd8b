/* Enlace staff pages only (public pages never load this file). On a signed-in staff page the
   quick exit is a sign-out form. The page is hidden at once, the form's POST (with its CSRF
   token) ends the session, and the tab then replaces itself with the neutral page, so Back does
   not come here; if the answer is slow the tab leaves anyway after a moment. Without script the
   form posts and the sign-out view's answer moves on to the neutral page. */
(function () {
  "use strict";
  var WAIT_MS = 2000;
  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    var button = target ? target.closest("#quick-exit") : null;
    var form = button ? button.closest("form") : null;
    var exit = document.querySelector('meta[name="enlace-exit"]');
    if (!form || !exit || !window.fetch || !window.FormData) { return; }
    event.preventDefault();
    event.stopImmediatePropagation();
    try { window.sessionStorage.setItem("enlace-quick-exit", "1"); } catch (e) { /* storage off */ }
    if (document.body) { document.body.hidden = true; }
    var gone = false;
    function go() {
      if (gone) { return; }
      gone = true;
      window.location.replace(exit.getAttribute("content"));
    }
    window.setTimeout(go, WAIT_MS);
    window.fetch(form.action, {
      method: "POST", body: new FormData(form), credentials: "same-origin", redirect: "manual"
    }).then(go, go);
  }, true);
}());
/* The desk: arrow keys move between result cards, R opens the referral form for the card in
   focus (or the first one). Typing in a field is never taken over. Without script every card is
   a plain link and the search a plain form. */
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    var target = event.target instanceof Element ? event.target : null;
    if (target && target.closest("input, select, textarea, [contenteditable]")) { return; }
    var cards = Array.prototype.slice.call(document.querySelectorAll("[data-card]"));
    if (!cards.length) { return; }
    var current = target ? target.closest("[data-card]") : null;
    var index = cards.indexOf(current);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      var next = event.key === "ArrowDown" ? index + 1 : index - 1;
      if (index < 0) { next = 0; }
      if (next >= 0 && next < cards.length) {
        event.preventDefault();
        cards[next].focus();
      }
    } else if (event.key === "r" || event.key === "R") {
      var card = current || cards[0];
      var refer = card.querySelector("[data-refer]");
      if (refer) {
        event.preventDefault();
        refer.click();
      }
    }
  });
  /* After a search, the first result takes the focus, so arrows and R work at once. */
  document.addEventListener("DOMContentLoaded", function () {
    var first = document.querySelector("[data-card]");
    if (first && !document.querySelector("[data-focus-first]")) { first.focus(); }
  });
}());
