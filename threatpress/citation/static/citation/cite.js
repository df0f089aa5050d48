// "Cite this": the copy buttons. Progressive enhancement: without this file the citations are
// shown and can be selected by hand; the buttons stay hidden.
(function () {
  "use strict";

  function announce(control, key) {
    var status = control.querySelector("[data-cite-status]");
    if (!status) return;
    // Emptied first, so that the same words are announced again on a second copy.
    status.textContent = "";
    window.setTimeout(function () {
      status.textContent = status.getAttribute(key) || "";
    }, 50);
  }

  function select(element) {
    var selection = window.getSelection();
    selection.removeAllRanges();
    var range = document.createRange();
    range.selectNodeContents(element);
    selection.addRange(range);
  }

  function write(element) {
    var text = element.textContent;
    // With the titles in italics where the target understands HTML (a word processor).
    if (element.tagName !== "PRE" && window.ClipboardItem && navigator.clipboard.write) {
      var item = new window.ClipboardItem({
        "text/plain": new Blob([text], { type: "text/plain" }),
        "text/html": new Blob([element.innerHTML], { type: "text/html" }),
      });
      return navigator.clipboard.write([item]).catch(function () {
        return navigator.clipboard.writeText(text);
      });
    }
    return navigator.clipboard.writeText(text);
  }

  function pad(number) {
    return (number < 10 ? "0" : "") + number;
  }

  // The access date is the day the server made the page; a cache may keep the page longer.
  // Bring it to the reader's own day, in the page's date format.
  function refreshAccessDates(control) {
    var stamps = control.querySelectorAll("time[data-cite-accessed]");
    var now = new Date();
    var today = now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate());
    if (!stamps.length || stamps[0].getAttribute("datetime") === today || !window.Intl) return;
    var long = new Intl.DateTimeFormat(control.getAttribute("data-cite-locale") || undefined, {
      day: "numeric",
      month: "long",
      year: "numeric",
    }).format(now);
    // As the server writes it: "m." and "d." on the line of their number (threatpress/formats/lt).
    long = long.replace(/(\d) (m\.|d\.)/g, "$1\u00a0$2");
    stamps.forEach(function (stamp) {
      stamp.setAttribute("datetime", today);
      stamp.textContent = stamp.getAttribute("data-cite-accessed") === "iso" ? today : long;
    });
  }

  document.querySelectorAll("[data-cite]").forEach(function (control) {
    refreshAccessDates(control);
    control.querySelectorAll("[data-cite-copy]").forEach(function (button) {
      var element = document.getElementById(button.getAttribute("data-cite-copy"));
      if (!element) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        if (!navigator.clipboard || !window.isSecureContext) {
          select(element);
          announce(control, "data-selected");
          return;
        }
        write(element).then(
          function () {
            announce(control, "data-copied");
          },
          function () {
            select(element);
            announce(control, "data-selected");
          }
        );
      });
    });
  });
})();
