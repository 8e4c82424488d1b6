/*
 * Digest search worker: Material's own search worker, with a query parser that
 * reads Chinese the way readers type it.
 *
 * Material (9.x) segments a Chinese query greedily against the index's terms,
 * but its loop never considers the whole run, so the last character of every
 * query is dropped ("双拥" searches for "双*", "9900万元" for "9900万*"), and
 * it ORs the pieces, so "不存在的东西" finds every page with "的". This wrapper
 * loads Material's worker unchanged and replaces only the step that turns the
 * typed text into Lunr clauses:
 *
 *   - text is NFKC-folded (full-width digits and letters) and lower-cased;
 *   - runs of Han characters are cut by forward maximum matching against the
 *     index's own vocabulary (the same jieba cuts the index was built with),
 *     preferring a whole indexed word, else the longest prefix of one, so a
 *     partial word ("退役") still finds "退役军人";
 *   - numbers and Latin words are kept whole ("9900万元" → 9900, 万元);
 *   - every piece is REQUIRED (a typed phrase means all of it) and matches as
 *     a prefix.
 *
 * Everything else — ranking, field boosts, highlighting, grouping by page —
 * stays Material's. The original worker's address comes in ?worker=, set by
 * the page (assets/javascripts/digest-config.js), so a Material upgrade that renames the
 * worker keeps working.
 */
(function () {
  "use strict"

  var QUERY = 2 // Material's SearchMessageType.QUERY
  var rawQuery = null
  var currentIndex = null
  var vocabulary = null // sorted terms of currentIndex

  // Registered before Material's own listener, so it sees each query first.
  self.addEventListener("message", function (ev) {
    rawQuery = ev.data && ev.data.type === QUERY ? String(ev.data.data) : null
  })

  importScripts(new URLSearchParams(self.location.search).get("worker"))

  var lunr = self.lunr

  function terms(index) {
    if (index !== currentIndex) {
      currentIndex = index
      vocabulary = Object.keys(index.invertedIndex).sort()
    }
    return vocabulary
  }

  // Is some indexed term a prefix-extension of `value`?
  function isPrefix(value) {
    var lo = 0, hi = vocabulary.length
    while (lo < hi) {
      var mid = (lo + hi) >>> 1
      if (vocabulary[mid] < value) lo = mid + 1
      else hi = mid
    }
    return lo < vocabulary.length && vocabulary[lo].lastIndexOf(value, 0) === 0
  }

  function segmentHan(run, inverted) {
    var pieces = []
    for (var i = 0; i < run.length;) {
      var end = 0
      for (var j = run.length; j > i && !end; j--)
        if (Object.prototype.hasOwnProperty.call(inverted, run.slice(i, j))) end = j
      for (var k = run.length; k > i && !end; k--)
        if (isPrefix(run.slice(i, k))) end = k
      if (!end) end = i + 1 // a character the index has never seen: nothing will match
      pieces.push(run.slice(i, end))
      i = end
    }
    return pieces
  }

  function queryTerms(raw, index) {
    terms(index)
    var text = raw.normalize("NFKC").toLowerCase()
    var runs = text.match(/\p{sc=Han}+|[\p{L}\p{N}]+(?:\.\d+)?/gu) || []
    var out = []
    runs.forEach(function (run) {
      var pieces = /\p{sc=Han}/u.test(run) ? segmentHan(run, index.invertedIndex) : [run]
      pieces.forEach(function (p) { if (out.indexOf(p) < 0) out.push(p) })
    })
    return out
  }

  // Know the index as soon as Material has built it: Material analyses the
  // query's terms (for highlighting) before it runs the search itself.
  var build = lunr.Builder.prototype.build
  lunr.Builder.prototype.build = function () {
    var index = build.call(this)
    terms(index)
    return index
  }

  // Lunr builds every query through QueryParser.parse, both for the search and
  // for Material's analysis of which terms matched; answer both from the raw text.

  var parse = lunr.QueryParser.prototype.parse
  lunr.QueryParser.prototype.parse = function () {
    if (rawQuery === null || currentIndex === null) return parse.call(this)
    var query = this.query
    queryTerms(rawQuery, currentIndex).forEach(function (term) {
      query.clause({
        term: term,
        presence: lunr.Query.presence.REQUIRED,
        wildcard: lunr.Query.wildcard.TRAILING,
        usePipeline: true
      })
    })
    return query
  }
})()
