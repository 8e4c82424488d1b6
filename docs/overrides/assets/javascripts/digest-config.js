/*
 * Search through the digest's worker: rewrites Material's settings (the #__config element just
 * before this script) so its search runs in
 *   - workers/digest-pagefind.js (data-backend="pagefind": Pagefind's index in parts), or
 *   - workers/digest-search.js, which loads Material's own worker, passed in ?worker=.
 * A file the browser caches instead of inline in every page; paths from this file's address.
 */
(function () {
  var script = document.currentScript
  var el = document.getElementById("__config")
  var config = JSON.parse(el.textContent)
  var original = new URL(config.search, location.href).href
  config.search = script.dataset.backend === "pagefind"
    ? new URL("workers/digest-pagefind.js", script.src).href
    : new URL("workers/digest-search.js", script.src).href + "?worker=" + encodeURIComponent(original)
  el.textContent = JSON.stringify(config)
})()
