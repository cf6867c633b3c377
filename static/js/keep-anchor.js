// A mail links to a place on a page ("#decision-heading"); when the page first asks the
// person to sign in, the browser keeps the "#…" on the sign-in page but loses it through the
// sign-in form, the second factor or the identity provider (fresh eyes round 21). The sign-in
// page keeps it for this tab, and the page the sign-in lands on goes to it.
(function () {
  "use strict";
  var KEY = "portal-anchor";
  var MAX_AGE = 30 * 60 * 1000;
  try {
    // The address the sign-in returns to, as the sign-in page's own address names it.
    var next = new URLSearchParams(location.search).get("next");
    if (next && next.charAt(0) === "/" && location.hash.length > 1) {
      var path = next.split("#")[0].split("?")[0];
      sessionStorage.setItem(KEY, JSON.stringify({ path: path, hash: location.hash, at: Date.now() }));
      return;
    }
    var kept = JSON.parse(sessionStorage.getItem(KEY) || "null");
    if (!kept) return;
    if (Date.now() - kept.at > MAX_AGE) {
      sessionStorage.removeItem(KEY);
      return;
    }
    if (kept.path !== location.pathname) return;
    sessionStorage.removeItem(KEY);
    if (location.hash) return;
    var target = document.getElementById(decodeURIComponent(kept.hash.slice(1)));
    if (!target) return;
    history.replaceState(null, "", location.pathname + location.search + kept.hash);
    target.scrollIntoView();
  } catch (error) {
    // No session storage (a private mode): the page opens at its top, as before.
  }
})();
