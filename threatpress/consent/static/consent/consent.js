// The consent dialog, enhanced. Without this file the dialog is a plain form that the server
// shows until the visitor decides; with it:
// - optional scripts registered on the server load only if the consent cookie allows their
//   category (nothing optional is requested before a positive choice);
// - Escape closes the dialog without deciding (it comes back on the next page), and focus goes
//   back where it came from;
// - "Settings" opens the categories in place, and the footer's "Cookie settings" reopens the
//   dialog with the visitor's current choice ticked.
(function () {
  "use strict";
  var dialog = document.querySelector("[data-consent]");
  if (!dialog) {
    return;
  }
  var version = dialog.getAttribute("data-consent-version");
  var cookieName = dialog.getAttribute("data-consent-cookie");
  var scripts = JSON.parse(dialog.getAttribute("data-consent-scripts") || "[]");
  var panel = dialog.querySelector("#consent-categories");
  var settingsButton = dialog.querySelector("[data-consent-settings]");
  var settingsLink = dialog.querySelector("[data-consent-settings-link]");
  var main = document.getElementById("main-content");
  var returnTo = null;

  // Same shape as threatpress/consent/state.py: <version>.<consent id>.<granted categories>.
  function readConsent() {
    var prefix = cookieName + "=";
    var cookies = document.cookie ? document.cookie.split("; ") : [];
    for (var i = 0; i < cookies.length; i++) {
      if (cookies[i].indexOf(prefix) === 0) {
        var match = /^([0-9a-f]{10})\.([0-9a-f]{32})\.(-|[a-z+]+)$/.exec(
          cookies[i].slice(prefix.length)
        );
        if (match && match[1] === version) {
          return { granted: match[3] === "-" ? [] : match[3].split("+") };
        }
      }
    }
    return null;
  }

  var consent = readConsent();

  // What the keyboard reaches must not be hidden under the sheet (WCAG 2.4.11): the page
  // scrolls a focused element into view above a padding as tall as the sheet. site.css sets a
  // fixed guess for readers without script; the sheet's height depends on the window's width,
  // the language and whether the settings are open. On a phone the dialog is in the page's flow
  // and hides nothing.
  function reserveRoom() {
    var sheet = dialog.open && window.getComputedStyle(dialog).position === "fixed";
    document.documentElement.style.scrollPaddingBottom = sheet ? dialog.offsetHeight + "px" : "";
  }
  if (window.ResizeObserver) {
    new window.ResizeObserver(reserveRoom).observe(dialog);
  }

  if (consent) {
    scripts.forEach(function (entry) {
      if (consent.granted.indexOf(entry.category) !== -1) {
        var script = document.createElement("script");
        script.src = entry.src;
        script.async = true;
        document.head.appendChild(script);
      }
    });
  } else if (!dialog.open) {
    // A page cached for a visitor who had decided, or an answer to an older policy.
    dialog.show();
  }

  function showSettings(expanded) {
    panel.hidden = !expanded;
    settingsButton.setAttribute("aria-expanded", expanded ? "true" : "false");
  }

  function open(opener) {
    returnTo = opener || null;
    var granted = consent ? consent.granted : [];
    dialog.querySelectorAll("[data-consent-category]").forEach(function (box) {
      box.checked = granted.indexOf(box.value) !== -1;
    });
    showSettings(Boolean(consent));
    // Asked for at the foot of the page: a sheet there, on a phone too (site.css).
    dialog.classList.add("consent--asked");
    if (!dialog.open) {
      dialog.show();
    }
    reserveRoom(); // it may have become a sheet without changing size
    dialog.focus();
  }

  function close() {
    var hadFocus = dialog.contains(document.activeElement);
    dialog.close();
    if (hadFocus) {
      var target = returnTo && document.contains(returnTo) ? returnTo : main;
      if (target) {
        target.focus();
      }
    }
    returnTo = null;
  }

  // "Settings": in place with script, the settings page without.
  settingsLink.hidden = true;
  settingsButton.hidden = false;
  settingsButton.addEventListener("click", function () {
    showSettings(panel.hidden);
  });

  // Where was focus before it entered the dialog (when the visitor tabbed into it)?
  dialog.addEventListener("focusin", function (event) {
    if (returnTo === null && event.relatedTarget && !dialog.contains(event.relatedTarget)) {
      returnTo = event.relatedTarget;
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && dialog.open) {
      event.preventDefault();
      close();
    }
  });

  document.querySelectorAll("[data-consent-open]").forEach(function (button) {
    var link = button.parentNode.querySelector("[data-consent-open-link]");
    if (link) {
      link.hidden = true;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      open(button);
    });
  });
})();
