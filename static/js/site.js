/* Enlace: small enhancements. Every page works without them; nothing here talks to any server,
   stores anything about the visitor beyond one "left through the quick exit" flag for this tab,
   or loads anything else. Loaded in <head>, before the page is drawn. */
(function () {
  "use strict";

  function meta(name) {
    var element = document.querySelector('meta[name="' + name + '"]');
    return element ? element.getAttribute("content") : null;
  }
  var EXIT_URL = meta("enlace-exit");
  var EXIT_FLAG = "enlace-quick-exit";

  function setFlag() {
    try { window.sessionStorage.setItem(EXIT_FLAG, "1"); } catch (e) { /* storage off */ }
  }
  function hasFlag() {
    try { return window.sessionStorage.getItem(EXIT_FLAG) === "1"; } catch (e) { return false; }
  }
  function clearFlag() {
    try { window.sessionStorage.removeItem(EXIT_FLAG); } catch (e) { /* storage off */ }
  }

  /* Quick exit. location.replace swaps this history entry for the neutral page, so Back does not
     come here. The flag (per tab, gone when the tab closes) makes any earlier Enlace page that
     Back reaches leave again at once, so stepping back through the tab shows nothing of ours. */
  function leave() {
    setFlag();
    if (document.body) { document.body.hidden = true; }
    window.location.replace(EXIT_URL);
  }

  function navigationType() {
    var entries = window.performance && performance.getEntriesByType
      ? performance.getEntriesByType("navigation") : [];
    return entries.length ? entries[0].type : "";
  }

  if (hasFlag()) {
    if (navigationType() === "back_forward") { leave(); return; }
    // The visitor came here on purpose (a link, a typed address): welcome them back.
    clearFlag();
  }
  window.addEventListener("pageshow", function (event) {
    if (event.persisted && hasFlag()) { leave(); }
  });

  /* The search form posts and the server answers with a sealed address (services/public/
     tokens.py), so no typed word or place ever reaches an address. What may still carry a query
     string is a shared link (a region, a need, a page number): it is dropped from this history
     entry before anything is drawn, so the Back list shows only plain addresses. */
  if (meta("enlace-strip-query") && window.location.search && window.history.replaceState) {
    window.history.replaceState(null, "", window.location.pathname + window.location.hash);
  }

  /* Esc twice leaves, except where the page turns it off (the staff forms: a stray key press
     must not throw away a half-written referral). */
  var lastEscape = 0;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" && event.key !== "Esc") { return; }
    if (meta("enlace-exit-keys") === "off") { return; }
    var now = Date.now();
    if (now - lastEscape < 1500) { leave(); }
    lastEscape = now;
  });

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) { return; }
    if (target.closest("#quick-exit")) {
      event.preventDefault();
      leave();
      return;
    }
    var print = target.closest("[data-print]");
    if (print) {
      event.preventDefault();
      window.print();
      return;
    }
    var near = target.closest("[data-near-me]");
    if (near) {
      event.preventDefault();
      findNearMe(near);
    }
  });

  /* "Near me": the browser asks for the position only after this tap. It is rounded to 0.01°
     (about 1 km) here, on the device, before it goes anywhere; it is sent once as part of the
     search and kept nowhere (not in storage, not in the address bar, not in our logs). */
  function findNearMe(button) {
    var form = button.form;
    var status = document.getElementById(button.getAttribute("aria-describedby") || "");
    function say(message) { if (status) { status.textContent = message || ""; } }
    if (!form || !navigator.geolocation) {
      say(button.getAttribute("data-msg-unavailable"));
      return;
    }
    say(button.getAttribute("data-msg-wait"));
    navigator.geolocation.getCurrentPosition(function (position) {
      var lat = Math.round(position.coords.latitude * 100) / 100;
      var lon = Math.round(position.coords.longitude * 100) / 100;
      form.elements.lat.value = lat.toFixed(2);
      form.elements.lon.value = lon.toFixed(2);
      if (form.elements.place) { form.elements.place.value = ""; }
      form.submit();
    }, function () {
      say(button.getAttribute("data-msg-denied"));
    }, { enableHighAccuracy: false, timeout: 20000, maximumAge: 600000 });
  }

  document.addEventListener("DOMContentLoaded", function () {
    /* A form sent back with errors: move to its error summary and focus it, so that a screen
       reader reads it and nobody has to hunt for what went wrong. */
    var summary = document.querySelector("[data-focus-first]");
    if (summary) {
      summary.focus();
      summary.scrollIntoView({ block: "start" });
    }
    var needsScript = document.querySelectorAll("[data-needs-script]");
    for (var i = 0; i < needsScript.length; i++) {
      if (needsScript[i].hasAttribute("data-near-me") && !navigator.geolocation) { continue; }
      needsScript[i].hidden = false;
    }
  });
}());
