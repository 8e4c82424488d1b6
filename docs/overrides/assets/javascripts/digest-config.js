/*
 * Material's settings, and search through the digest's worker. A file the browser caches instead
 * of inline in every page; paths from this file's address. The digest plugin renders this file
 * after each build (generator/shared_chrome.py) with the settings Material wrote into its
 * pages, which then leave them out:
 *
 *   1. puts back Material's #__config element (just before this script, before Material's bundle
 *      reads it), unless the page carries its own;
 *   2. rewrites the settings so Material's search runs in
 *        - workers/digest-pagefind.js (data-backend="pagefind": Pagefind's index in parts), or
 *        - workers/digest-search.js, which loads Material's own worker, passed in ?worker=.
 */
(function () {
  var shared = {{ shared }}
  var script = document.currentScript
  var root = new URL("../..", script.src).href  // this file is assets/javascripts/
  var el = document.getElementById("__config")
  if (!el && shared) {
    el = document.createElement("script")
    el.id = "__config"
    el.type = "application/json"
    shared.base = root
    shared.search = new URL(shared.search, root).href
    el.textContent = JSON.stringify(shared)
    script.parentNode.insertBefore(el, script)
  }
  var config = JSON.parse(el.textContent)
  var original = new URL(config.search, location.href).href
  config.search = script.dataset.backend === "pagefind"
    ? new URL("workers/digest-pagefind.js", script.src).href
    : new URL("workers/digest-search.js", script.src).href + "?worker=" + encodeURIComponent(original)
  el.textContent = JSON.stringify(config)
})()
