// The queue page: keyboard shortcuts, the side panel, and focus that stays
// somewhere sensible when htmx replaces the list (after an action or a poll).
(function () {
  "use strict";
  const panel = () => document.getElementById("side-panel");
  const rows = () => Array.from(document.querySelectorAll("#queue-live tr.work-item"));

  function currentRow() {
    const el = document.activeElement;
    return el && el.closest ? el.closest("tr.work-item") : null;
  }

  function focusRow(row, selector) {
    if (!row) return;
    const target = (selector && row.querySelector(selector)) || row.querySelector(".item-open");
    if (target) target.focus();
  }

  function moveBy(step) {
    const all = rows();
    if (!all.length) return;
    const index = all.indexOf(currentRow());
    const next = index < 0 ? 0 : Math.min(all.length - 1, Math.max(0, index + step));
    focusRow(all[next]);
  }

  function openPanel(row, focusField) {
    const link = row && row.querySelector(".item-open");
    if (!link) return;
    if (focusField) link.dataset.focusField = focusField;
    link.click();
  }

  function closePanel() {
    const p = panel();
    const itemId = p.dataset.item;
    p.innerHTML = "";
    p.classList.remove("is-open");
    delete p.dataset.item;
    const row = itemId && document.getElementById("item-" + itemId);
    focusRow(row || rows()[0]);
  }

  function typing(el) {
    return el && (el.isContentEditable || ["INPUT", "SELECT", "TEXTAREA"].includes(el.tagName));
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const dialog = document.getElementById("shortcuts");
    if (event.key === "Escape") {
      if (dialog && dialog.open) return; // the dialog closes itself
      if (panel() && panel().classList.contains("is-open")) { event.preventDefault(); closePanel(); }
      return;
    }
    if (typing(event.target)) return;
    const row = currentRow();
    switch (event.key) {
      case "j": case "ArrowDown": event.preventDefault(); moveBy(1); break;
      case "k": case "ArrowUp": event.preventDefault(); moveBy(-1); break;
      case "o": if (row) { event.preventDefault(); openPanel(row); } break;
      case "c": {
        const claim = row && row.querySelector('[data-action="claim"]');
        if (claim) { event.preventDefault(); claim.click(); }
        break;
      }
      case "x": if (row) { event.preventDefault(); openPanel(row, "outcome"); } break;
      case "/": {
        event.preventDefault();
        const first = document.querySelector("#queue-filters select");
        if (first) first.focus();
        break;
      }
      case "?": if (dialog) { event.preventDefault(); dialog.showModal(); } break;
    }
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-shortcuts-open]")) {
      document.getElementById("shortcuts").showModal();
    }
    if (event.target.closest("[data-panel-close]")) { event.preventDefault(); closePanel(); }
  });

  // Every action posted from the page says which item the side panel shows,
  // so the answer refreshes the panel too when it is about the same item.
  document.addEventListener("htmx:configRequest", function (event) {
    const p = panel();
    if (event.detail.verb === "post" && p && p.dataset.item) {
      event.detail.parameters.panel_item = p.dataset.item;
    }
  });

  // What had focus when each request left, kept per request (a poll may
  // overlap an action), to put focus back somewhere sensible afterwards.
  const focusBefore = new WeakMap();
  document.addEventListener("htmx:beforeRequest", function (event) {
    const row = currentRow();
    const active = document.activeElement;
    focusBefore.set(event.detail.xhr, {
      itemId: row ? row.dataset.item : null,
      index: row ? rows().indexOf(row) : -1,
      selector: active && active.dataset && active.dataset.action
        ? '[data-action="' + active.dataset.action + '"]' : null,
      fromPanel: !!(active && active.closest && active.closest("#side-panel")),
      path: event.detail.pathInfo ? event.detail.pathInfo.requestPath : "",
    });
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.target && event.detail.target.id === "side-panel" &&
        event.detail.requestConfig && event.detail.requestConfig.verb === "get") {
      return; // a panel load: handled in afterSwap below
    }
    const before = focusBefore.get(event.detail.xhr);
    window.setTimeout(function () { restoreFocus(before, event); }, 30);
  });

  function restoreFocus(before, event) {
    if (!before) return;
    const polled = before.path.indexOf("/queue/poll/") !== -1;
    const active = document.activeElement;
    if (polled && active && active !== document.body && document.contains(active)) return;
    const p = panel();
    if (before.fromPanel && !polled) {
      const invalid = p && p.querySelector('[aria-invalid="true"]');
      if (invalid) { invalid.focus(); return; }
      const row = before.itemId && document.getElementById("item-" + before.itemId);
      const closed = /\/close\/$/.test(before.path);
      if (closed) {
        const panelItem = p && p.dataset.item;
        const all = rows();
        const gone = panelItem && !document.getElementById("item-" + panelItem);
        if (gone && all.length) { focusRow(all[Math.min(Math.max(before.index, 0), all.length - 1)]); return; }
      }
      const title = p && p.querySelector("#panel-title");
      if (title) { title.focus(); return; }
      focusRow(row);
      return;
    }
    if (!before.itemId) return;
    const row = document.getElementById("item-" + before.itemId);
    if (row) { focusRow(row, before.selector); return; }
    const all = rows();
    if (all.length) focusRow(all[Math.min(Math.max(before.index, 0), all.length - 1)]);
  }

  // A panel loaded (or replaced out of band): open it and put focus in it.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "side-panel") {
      const p = panel();
      const content = p.querySelector(".panel");
      p.classList.add("is-open");
      if (content) p.dataset.item = content.dataset.item;
      const trigger = event.detail.requestConfig && event.detail.requestConfig.elt;
      const field = trigger && trigger.dataset ? trigger.dataset.focusField : null;
      if (trigger && trigger.dataset) delete trigger.dataset.focusField;
      let target = null;
      if (field === "outcome") target = p.querySelector("[data-outcome]");
      else if (field) target = document.getElementById(field);
      (target || p.querySelector("#panel-title")).focus();
    }
  });
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "side-panel") {
      const content = panel().querySelector(".panel");
      if (content) panel().dataset.item = content.dataset.item;
    }
  });
})();
