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


  // FAQ bot chat panel (data-bot="on"): asks POST /bot, shows the answer and its cards as text, 👍/👎, "talk to a person".
  var botEndpoint = script.src.replace(/\/probe\.js(\?.*)?$/, '/bot')
  var botLast = null
  function safeUrl(u) { return typeof u === 'string' && (/^https?:\/\//.test(u) || /^\/(?!\/)/.test(u)) }
  function chatPanel() {
    var p = el('div', null, 'ccx-box ccx-chat')
    p.setAttribute('role', 'dialog')
    p.style.cssText = 'position:fixed;left:16px;bottom:16px;width:320px;max-height:70vh;overflow:auto;background:#fff;color:#222;border:1px solid #c00;border-radius:8px;padding:8px;font:14px sans-serif;box-shadow:0 2px 12px rgba(0,0,0,.2);z-index:2147483646'
    var log = el('div', null, 'ccx-chat-log')
    var input = el('input', null, 'ccx-chat-input')
    input.placeholder = script.getAttribute('data-bot-placeholder') || '请输入您的问题 / Ask a question'
    var send = el('button', script.getAttribute('data-bot-send') || '发送', 'ccx-chat-send')
    var person = el('button', script.getAttribute('data-bot-person') || '转人工 / Talk to a person', 'ccx-chat-person')
    function say(text, cls) { var m = el('p', text, cls); log.appendChild(m); return m }
    function handOver() {
      track('chat_request', {ref_id: botLast ? botLast.exchange_id : undefined, props: JSON.stringify({source: 'bot'})})
      say(script.getAttribute('data-bot-handed') || '正在为您转接人工客服…', 'ccx-chat-system')
    }
    function ask(q) {
      if (!q) return
      say(q, 'ccx-chat-visitor')
      var body = {site: site, key: key, visitor_id: visitorId, question: q}
      if (botLast) body.context = {question: botLast.question, entry_id: botLast.entry_id || undefined}
      fetch(botEndpoint, {method: 'POST', body: JSON.stringify(body), headers: {'content-type': 'text/plain'}, credentials: 'omit'})
        .then(function (r) { return r.ok ? r.json() : null })
        .then(function (a) {
          if (!a) return say(script.getAttribute('data-bot-error') || '暂时无法回答，请稍后再试', 'ccx-chat-system')
          botLast = {exchange_id: a.exchange_id, question: q, entry_id: a.entry && a.answered ? a.entry.id : null}
          var m = el('div', null, 'ccx-chat-bot')
          m.setAttribute('data-ccx-exchange', String(a.exchange_id))
          if (a.answered) {
            m.appendChild(el('p', a.answer, 'ccx-chat-answer'))
            ;(a.links || []).forEach(function (l) {
              if (!safeUrl(l.url)) return
              var c = el('a', l.title, 'ccx-chat-' + (l.kind === 'card' ? 'card' : 'link'))
              c.href = l.url
              c.style.display = 'block'
              m.appendChild(c)
            })
          } else {
            m.appendChild(el('p', script.getAttribute('data-bot-unsure') || '这个问题我还不太确定，可以转人工客服为您解答。', 'ccx-chat-unsure'))
          }
          ;(a.followups || []).concat(a.alternatives || []).slice(0, 4).forEach(function (f) {
            var b = el('button', f.question, 'ccx-chat-suggest')
            b.onclick = function () { ask(f.question) }
            m.appendChild(b)
          })
          if (a.answered) {
            ;['up', 'down'].forEach(function (v) {
              var b = el('button', v === 'up' ? '👍' : '👎', 'ccx-chat-vote-' + v)
              b.onclick = function () { track('bot_feedback', {ref_id: a.exchange_id, props: JSON.stringify({vote: v})}); m.setAttribute('data-ccx-vote', v) }
              m.appendChild(b)
            })
          }
          log.appendChild(m)
        })
        .catch(function () { say(script.getAttribute('data-bot-error') || '暂时无法回答，请稍后再试', 'ccx-chat-system') })
    }
    send.onclick = function () { var q = input.value.trim(); input.value = ''; ask(q) }
    input.onkeydown = function (ev) { if (ev.key === 'Enter') send.onclick() }
    person.onclick = handOver
    p.appendChild(log)
    p.appendChild(input)
    p.appendChild(send)
    p.appendChild(person)
    document.body.appendChild(p)
  }
  if (script.getAttribute('data-bot') === 'on') {
    if (document.body) chatPanel()
    else document.addEventListener('DOMContentLoaded', chatPanel)
  }

  window.ccx = {track: track, flush: flush, visitorId: visitorId}
  track('pageview', {referrer: document.referrer})
})()
