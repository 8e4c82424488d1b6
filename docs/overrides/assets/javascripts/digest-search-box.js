/*
 * Material's search box, which only JavaScript uses, from a file the browser caches instead of
 * 1.3 KB of every page. The digest plugin renders this file after each build with the box
 * Material rendered into its pages (generator/shared_chrome.py), which then carry this script
 * where the box was: it puts the box there, synchronously, before the rest of the page is read
 * and before Material's bundle looks for it. Links in the box are from the site's root.
 */
(function () {
  var box = {{ shared }}
  var script = document.currentScript
  if (box) script.insertAdjacentHTML("beforebegin", box.split("{root}").join(new URL("../..", script.src).href))
})()
