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
