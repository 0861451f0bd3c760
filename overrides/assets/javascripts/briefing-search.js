/* The header search box (overrides/partials/pagefind.html), driving Pagefind's default UI.
 *
 * Nothing is fetched for search until the reader focuses the box or types in it: then this
 * loads pagefind-ui.js and pagefind-ui.css from the site's own pagefind/ folder (written by
 * `briefing build` after the site engine), and Pagefind fetches the index chunks a query needs.
 * Pagefind's UI renders into the panel under the box; its own input is hidden and fed from the
 * header box, so the header looks as Material's did. Results, excerpts and filters are
 * Pagefind's (it escapes page text before marking matches).
 *
 * What a search costs a phone is kept down in two ways. The box hands Pagefind the query once
 * the reader pauses, not at every keystroke: Pagefind fetches the index chunks of every query it
 * is given, and those of a one- or two-letter prefix ("b", "bo") span many chunks that the whole
 * word does not need. And Pagefind runs in the page rather than in its web worker, whose script
 * would be one more download of about the size of pagefind.js.
 */
(function () {
  "use strict";
  var root = document.querySelector("[data-briefing-search]");
  if (!root) return;
  var form = root.querySelector(".briefing-search__form");
  var input = root.querySelector(".briefing-search__input");
  var panel = root.querySelector(".briefing-search__panel");
  // Absolute: Pagefind resolves a relative bundle path against its own script's address.
  var bundle = new URL(root.getAttribute("data-bundle"), document.baseURI).href;
  var siteRoot = new URL(root.getAttribute("data-root"), document.baseURI).pathname;
  var loading = null;
  var pause = null;
  var PAUSE_MS = 300;  // Pagefind's own default wait before it searches

  function load() {
    if (loading) return loading;
    loading = new Promise(function (resolve, reject) {
      var css = document.createElement("link");
      css.rel = "stylesheet";
      css.href = bundle + "pagefind-ui.css";
      document.head.appendChild(css);
      var script = document.createElement("script");
      script.src = bundle + "pagefind-ui.js";
      script.onload = resolve;
      script.onerror = function () { reject(new Error("search is not available")); };
      document.head.appendChild(script);
    }).then(function () {
      /* global PagefindUI */
      return new PagefindUI({
        element: panel,
        bundlePath: bundle,
        baseUrl: siteRoot,
        showSubResults: true,
        showImages: false,
        resetStyles: false,
        pageSize: 8,
        excerptLength: 24,
        autofocus: false,
        // The box already waits for the reader to pause (`typed`); a second wait inside
        // Pagefind would only delay the results.
        debounceTimeoutMs: 0,
        noWorker: true
      });
    });
    loading.catch(function (error) {
      panel.hidden = false;
      panel.textContent = error.message;
    });
    return loading;
  }

  function search() {
    var term = input.value.trim();
    panel.hidden = term === "";
    root.classList.toggle("briefing-search--results", term !== "");
    clearTimeout(pause);
    load().then(function (ui) { ui.triggerSearch(term); });
  }

  function typed() {
    clearTimeout(pause);
    pause = setTimeout(search, PAUSE_MS);
  }

  function open() {
    root.classList.add("briefing-search--open");
    input.focus();
  }

  function close() {
    clearTimeout(pause);
    root.classList.remove("briefing-search--open", "briefing-search--results");
    panel.hidden = true;
    input.blur();
  }

  input.addEventListener("focus", function () { load(); });
  input.addEventListener("input", typed);
  form.addEventListener("submit", function (event) { event.preventDefault(); search(); });
  root.querySelector(".briefing-search__open").addEventListener("click", open);
  root.querySelector(".briefing-search__close").addEventListener("click", function () {
    input.value = "";
    close();
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && root.contains(document.activeElement)) close();
    if (event.key === "/" && document.activeElement === document.body) {
      event.preventDefault();
      open();
    }
  });
  document.addEventListener("click", function (event) {
    if (!root.contains(event.target)) {
      root.classList.remove("briefing-search--results");
      panel.hidden = true;
    }
  });
})();
