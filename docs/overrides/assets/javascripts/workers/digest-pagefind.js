/*
 * Digest search worker for archive-scale sites: answers Material's search box
 * from Pagefind's chunked index instead of Material's single search_index.json.
 *
 * Material's index grows with the archive (about 13 KB per article: 70 MB for
 * a year of pages) and the browser must download all of it before the first
 * result. Pagefind splits its index into small chunks and fetches only those a
 * query needs. The digest plugin switches to this worker when the digest is
 * large (see README, Search at scale); the search box, result list and
 * highlighting stay Material's, because this worker speaks Material's worker
 * protocol: SETUP (answered READY) and QUERY (answered RESULT with items).
 */
(function () {
  "use strict"

  var SETUP = 0, READY = 1, QUERY = 2, RESULT = 3
  var RESULTS_MAX = 10
  var siteRoot = new URL("../../../", self.location.href)
  var pagefind = null

  // The index comes in parts of bounded size (generator/pagefind_index.py), listed in
  // pagefind/parts.json: the first part's bundle searches, the others are merged into it.
  function bundles() {
    return fetch(new URL("pagefind/parts.json", siteRoot).href).then(function (response) {
      return response.ok ? response.json() : ["pagefind/"]
    }, function () { return ["pagefind/"] })
  }

  function load() {
    if (!pagefind)
      pagefind = bundles().then(function (parts) {
        return import(new URL(parts[0] + "pagefind.js", siteRoot).href).then(function (module) {
          var options = { baseUrl: siteRoot.pathname }
          return module.options(options).then(function () {
            return Promise.all(parts.slice(1).map(function (part) {
              return module.mergeIndex(new URL(part, siteRoot).href, options)
            }))
          }).then(function () { return module })
        })
      })
    return pagefind
  }

  function location(url) {
    var path = new URL(url, siteRoot).pathname
    return path.indexOf(siteRoot.pathname) === 0 ? path.slice(siteRoot.pathname.length) : path.replace(/^\//, "")
  }

  function marked(excerpt) {
    return (excerpt.match(/<mark>([^<]*)<\/mark>/g) || []).map(function (m) { return m.slice(6, -7) })
  }

  // Pagefind returns pages that match any word of the query; a reader who types
  // a phrase means all of it. Keep a page when it holds every number or Latin
  // word typed and most of the character pairs of every Chinese run (pairs,
  // because the browser has no jieba to cut the query into words).
  var PAIRS_NEEDED = 0.75

  function holdsQuery(query, content) {
    var text = content.normalize("NFKC").toLowerCase()
    var runs = query.normalize("NFKC").toLowerCase().match(/\p{sc=Han}+|[\p{L}\p{N}]+/gu) || []
    return runs.every(function (run) {
      if (!/\p{sc=Han}/u.test(run) || run.length < 2) return text.indexOf(run) >= 0
      var pairs = 0, found = 0
      for (var i = 0; i + 1 < run.length; i++, pairs++)
        if (text.indexOf(run.slice(i, i + 2)) >= 0) found++
      return found / pairs >= PAIRS_NEEDED
    })
  }

  function answer(query) {
    if (!query.trim()) return Promise.resolve({ items: [] })
    return load().then(function (module) {
      return module.search(query.normalize("NFKC"))
    }).then(function (search) {
      return Promise.all(search.results.slice(0, RESULTS_MAX * 3).map(function (r) { return r.data() }))
    }).then(function (pages) {
      pages = pages.filter(function (page) { return holdsQuery(query, page.content) }).slice(0, RESULTS_MAX)
      return {
        items: pages.map(function (page, rank) {
          var terms = {}
          marked(page.excerpt).forEach(function (word) { terms[word] = true })
          return [{
            location: location(page.url),
            title: ((page.meta && page.meta.title) || page.url).replace(/¶$/, ""),
            text: page.excerpt,
            tags: [],
            score: RESULTS_MAX - rank,
            terms: terms
          }]
        })
      }
    })
  }

  self.addEventListener("message", function (ev) {
    var message = ev.data || {}
    if (message.type === SETUP) {
      load()  // start fetching Pagefind's entry files while the reader looks at the page
      postMessage({ type: READY })
    } else if (message.type === QUERY) {
      answer(String(message.data)).then(function (data) {
        postMessage({ type: RESULT, data: data })
      }, function (error) {
        console.warn("digest search:", error)
        postMessage({ type: RESULT, data: { items: [] } })
      })
    }
  })
})()
