/* ccx page probe: records page views, heartbeats (visible dwell), clicks and invitation answers; batches them
   to ccx serve; shows what the server answers (invitation, content card, lead form) as escaped text only.
   No dependencies, no eval, no cookies required (localStorage by default; data-storage="cookie" to use one). */
(function () {
  'use strict'
  var script = document.currentScript
  if (!script || window.__ccxProbe) return
  window.__ccxProbe = true
  var site = script.getAttribute('data-site') || 'default'
  var key = script.getAttribute('data-key') || ''
  var storage = script.getAttribute('data-storage') || 'local'
  var heartbeatMs = Number(script.getAttribute('data-heartbeat') || 15000)
  var endpoint = script.src.replace(/\/probe\.js(\?.*)?$/, '/collect')
  var VISIT_GAP_MS = 30 * 60 * 1000
  var queue = []
  var timer = null
  var shown = {}

  function rand() {
    var s = ''
    for (var i = 0; i < 16; i++) s += Math.floor(Math.random() * 16).toString(16)
    return s
  }
  function readStore(k) {
    try {
      if (storage === 'cookie') {
        var m = document.cookie.match(new RegExp('(?:^|; )' + k + '=([^;]*)'))
        return m ? decodeURIComponent(m[1]) : null
      }
      return window.localStorage.getItem(k)
    } catch (e) { return null }
  }
  function writeStore(k, v) {
    try {
      if (storage === 'cookie') document.cookie = k + '=' + encodeURIComponent(v) + '; path=/; max-age=63072000; SameSite=Lax'
      else window.localStorage.setItem(k, v)
    } catch (e) { /* private mode: the id lives for this page only */ }
  }
  var visitorId = readStore('ccx_vid') || rand()
  writeStore('ccx_vid', visitorId)
  var lastSeen = Number(readStore('ccx_last') || 0)
  var visitCount = Number(readStore('ccx_visits') || 0)
  if (!lastSeen || Date.now() - lastSeen > VISIT_GAP_MS) visitCount += 1
  writeStore('ccx_visits', String(visitCount))
  function touch() { writeStore('ccx_last', String(Date.now())) }

  function track(type, fields) {
    var e = {id: rand(), type: type, ts: Date.now(), url: location.href, title: document.title}
    if (fields) for (var k in fields) if (Object.prototype.hasOwnProperty.call(fields, k)) e[k] = fields[k]
    queue.push(e)
    touch()
    if (!timer) timer = setTimeout(flush, type === 'pageview' ? 0 : 1000)
  }

  function flush(useBeacon) {
    timer = null
    if (queue.length === 0) return
    var body = JSON.stringify({site: site, key: key, visitor_id: visitorId, visit_count: visitCount, events: queue.splice(0, 50)})
    if (useBeacon === true && navigator.sendBeacon) {
      navigator.sendBeacon(endpoint, new Blob([body], {type: 'text/plain'}))
      return
    }
    fetch(endpoint, {method: 'POST', body: body, headers: {'content-type': 'text/plain'}, keepalive: true, credentials: 'omit'})
      .then(function (r) { return r.ok ? r.json() : null })
      .then(function (answer) { if (answer && answer.directives) answer.directives.forEach(show) })
      .catch(function () { /* network errors: events of this batch are dropped, the page is never disturbed */ })
    if (queue.length > 0) timer = setTimeout(flush, 200)
  }

  function el(tag, text, cls) {
    var n = document.createElement(tag)
    if (text !== undefined && text !== null) n.textContent = String(text)
    if (cls) n.className = cls
    return n
  }
  function box(d) {
    var b = el('div', null, 'ccx-box ccx-' + d.type)
    b.setAttribute('data-ccx-directive', String(d.id || ''))
    b.setAttribute('role', 'dialog')
    b.style.cssText = 'position:fixed;right:16px;bottom:16px;max-width:320px;background:#fff;color:#222;border:1px solid #c00;border-radius:8px;padding:12px;font:14px sans-serif;box-shadow:0 2px 12px rgba(0,0,0,.2);z-index:2147483647'
    return b
  }
  function closeButton(b, d, eventType) {
    var c = el('button', d.declineLabel || '×', 'ccx-close')
    c.onclick = function () { if (eventType) track(eventType, {directive_id: d.id}); b.remove() }
    return c
  }

  function show(d) {
    if (!d || !d.type || shown[d.id]) return
    shown[d.id] = true
    var b = box(d)
    if (d.type === 'invite') {
      b.appendChild(el('p', d.message, 'ccx-message'))
      var accept = el('button', d.acceptLabel || 'Chat now', 'ccx-accept')
      accept.onclick = function () { track('invite_accepted', {directive_id: d.id}); track('chat_request', {directive_id: d.id}); b.remove() }
      b.appendChild(accept)
      b.appendChild(closeButton(b, d, 'invite_declined'))
      track('invite_shown', {directive_id: d.id})
    } else if (d.type === 'card') {
      var r = d.resource || {}
      b.appendChild(el('strong', d.title || r.name, 'ccx-title'))
      if (d.message) b.appendChild(el('p', d.message, 'ccx-message'))
      // The scenario's message usually names the address and phone already.
      if (r.address && !(d.message && d.message.indexOf(r.address) !== -1)) b.appendChild(el('p', r.address, 'ccx-address'))
      if (r.phone && !(d.message && d.message.indexOf(r.phone) !== -1)) b.appendChild(el('p', r.phone, 'ccx-phone'))
      if (r.hours) b.appendChild(el('p', r.hours, 'ccx-hours'))
      if (r.url && /^https?:\/\//.test(r.url)) { var a = el('a', d.linkLabel || r.url, 'ccx-link'); a.href = r.url; b.appendChild(a) }
      b.appendChild(closeButton(b, d, null))
    } else if (d.type === 'lead_form') {
      b.appendChild(el('p', d.message, 'ccx-message'))
      var phone = el('input', null, 'ccx-phone-input')
      phone.type = 'tel'
      phone.placeholder = d.placeholder || 'Phone'
      var send = el('button', d.submitLabel || 'Send', 'ccx-submit')
      send.onclick = function () { track('lead', {directive_id: d.id, props: JSON.stringify({phone: phone.value})}); b.remove() }
      b.appendChild(phone)
      b.appendChild(send)
      b.appendChild(closeButton(b, d, null))
    } else {
      return
    }
    document.body.appendChild(b)
  }

  function selectorOf(t) {
    if (!t || !t.tagName) return ''
    var s = t.tagName.toLowerCase()
    if (t.id) s += '#' + t.id
    else if (typeof t.className === 'string' && t.className.trim()) s += '.' + t.className.trim().split(/\s+/).slice(0, 2).join('.')
    return s.slice(0, 200)
  }
  document.addEventListener('click', function (ev) {
    var t = ev.target
    if (t && t.closest && t.closest('.ccx-box')) return
    track('click', {x: Math.round(ev.pageX), y: Math.round(ev.pageY), selector: selectorOf(t)})
  }, true)

  setInterval(function () { if (document.visibilityState === 'visible') track('heartbeat') }, heartbeatMs)
  document.addEventListener('visibilitychange', function () { if (document.visibilityState === 'hidden') flush(true) })
  window.addEventListener('pagehide', function () { flush(true) })


  window.ccx = {track: track, flush: flush, visitorId: visitorId, site: site, key: key, script: script}
  // the FAQ bot's chat panel is its own file, loaded only where a page asks for it
  if (script.getAttribute('data-bot') === 'on') {
    var chat = document.createElement('script')
    chat.src = script.src.replace(/probe\.js(\?.*)?$/, 'chat.js')
    chat.async = true
    document.head.appendChild(chat)
  }
  track('pageview', {referrer: document.referrer})
})()
