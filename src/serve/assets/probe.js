/* ccx page probe: records page views, heartbeats (visible dwell), clicks and invitation answers; batches them
   to ccx serve; shows what the server answers (invitation, content card, lead form) as widgets.
   No dependencies, no eval, no cookies required (localStorage by default; data-storage="cookie" to use one).
   Widgets live in one shadow root (host CSS neither reaches in nor leaks out), fixed at the bottom right (a bottom
   sheet on phones), so the host page never shifts; every string from the server is set with textContent. */
(function () {
  'use strict'
  var script = document.currentScript
  if (!script || window.__ccxProbe) return
  window.__ccxProbe = true
  function attr(name) {
    return script.getAttribute(name)
  }
  var site = attr('data-site') || 'default'
  var key = attr('data-key') || ''
  var storage = attr('data-storage') || 'local'
  var heartbeatMs = Number(attr('data-heartbeat') || 15000)
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

  /* ---------- widgets: one base (dock, panel, header with close, body, actions), one small function per type ---------- */

  var LABELS = {
    zh: {close: '关闭', accept: '立即咨询', decline: '稍后再说', link: '查看详情', submit: '提交', placeholder: '手机或座机号码',
      inviteTitle: '在线咨询', leadTitle: '留下联系方式', phoneField: '您的电话', thanks: '已收到，我们会尽快与您联系。',
      badPhone: '请输入有效的电话号码（至少 6 位数字）', surveyThanks: '感谢您的反馈！', answerThis: '请回答这一题', address: '地址', phone: '电话', hours: '营业时间', region: '网站消息',
      chatTitle: '在线问答', chatOpen: '在线问答'},
    en: {close: 'Close', accept: 'Chat now', decline: 'Not now', link: 'Details', submit: 'Send', placeholder: 'Phone number',
      inviteTitle: 'Chat with us', leadTitle: 'Leave your number', phoneField: 'Your phone', thanks: 'Thank you, we will call you soon.',
      badPhone: 'Please enter a valid phone number (at least 6 digits)', surveyThanks: 'Thank you for your feedback!', answerThis: 'Please answer this question', address: 'Address', phone: 'Phone', hours: 'Hours', region: 'Site messages',
      chatTitle: 'Questions? Ask us', chatOpen: 'Ask us'},
  }
  var lang = /^zh/i.test(attr('data-lang') || document.documentElement.lang || navigator.language || '') ? 'zh' : 'en'
  var HEX = /^#(?:[0-9a-f]{3}){1,2}$/i
  // no system-ui: Chromium then takes every glyph from the system font's own fallback, skipping the CJK names below
  var FONT = '-apple-system,BlinkMacSystemFont,"Segoe UI","PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans SC","Noto Sans CJK SC","Source Han Sans SC",Roboto,"Helvetica Neue",Arial,sans-serif'
  // px only: a host page's html{font-size} would rescale rem; :host !important rules win over any host-page rule.
  var CSS =
    ':host{all:initial!important;position:fixed!important;z-index:2147483647!important;right:4px!important;bottom:4px!important;left:auto!important;top:auto!important;display:flex!important;flex-direction:column!important;gap:12px!important;box-sizing:border-box!important;width:384px!important;max-width:calc(100vw - 8px)!important;max-height:calc(100vh - 8px)!important;overflow-y:auto!important;margin:0!important;padding:12px!important;border:0!important;transform:none!important;pointer-events:none!important}' +
    ':host([data-side=left]){left:4px!important;right:auto!important}' +
    '*{box-sizing:border-box}' +
    '.ccx-panel{position:relative;flex:none;pointer-events:auto;background:#fff;color:#1f2329;border-radius:12px;border-top:4px solid var(--ccx-brand);box-shadow:0 8px 28px rgba(0,0,0,.18),0 0 0 1px rgba(0,0,0,.06);padding:14px 16px 16px;font:14px/1.6 ' + FONT + ';text-align:left;overflow-wrap:anywhere;word-break:normal;animation:ccx-in .18s ease-out}' +
    '@keyframes ccx-in{from{opacity:0;transform:translateY(8px)}}' +
    '@media (prefers-reduced-motion:reduce){.ccx-panel{animation:none}}' +
    '.ccx-head{display:flex;align-items:flex-start;gap:8px;margin:0 0 6px}' +
    '.ccx-title{flex:1 1 auto;min-width:0;margin:2px 0 0;font-size:16px;font-weight:600;line-height:1.4}' +
    '.ccx-close{flex:none;display:flex;align-items:center;justify-content:center;width:32px;height:32px;margin:-6px -8px 0 0;padding:0;border:0;border-radius:8px;background:transparent;color:#646a73;cursor:pointer}' +
    '.ccx-close:hover{background:#f2f3f5;color:#1f2329}' +
    '.ccx-close svg{width:18px;height:18px;stroke:currentColor;stroke-width:2;stroke-linecap:round;fill:none}' +
    '.ccx-text{margin:0 0 8px}' +
    '.ccx-meta{display:grid;grid-template-columns:auto minmax(0,1fr);gap:2px 10px;margin:4px 0 0}' +
    '.ccx-meta dt{color:#646a73;margin:0}.ccx-meta dd{margin:0;min-width:0}' +
    '.ccx-link{color:var(--ccx-ink);text-decoration:underline;text-underline-offset:2px}' +
    '.ccx-actions{display:flex;flex-wrap:wrap;gap:8px;margin-top:12px}' +
    '.ccx-btn{flex:1 1 120px;display:inline-flex;align-items:center;justify-content:center;min-width:0;min-height:38px;padding:8px 14px;border:1px solid transparent;border-radius:8px;font:600 14px/1.4 ' + FONT + ';text-align:center;text-decoration:none;cursor:pointer}' +
    '.ccx-primary{background:var(--ccx-brand);color:var(--ccx-on-brand)}.ccx-primary:hover{filter:brightness(.93)}' +
    '.ccx-secondary{background:#fff;color:#1f2329;border-color:#c9cdd4}.ccx-secondary:hover{background:#f2f3f5}' +
    '.ccx-field{margin:4px 0 0}.ccx-field label{display:block;margin:0 0 4px;font-weight:600}' +
    '.ccx-input{display:block;width:100%;min-height:40px;padding:8px 10px;border:1px solid #c9cdd4;border-radius:8px;background:#fff;color:#1f2329;font:16px/1.4 ' + FONT + '}' +
    '.ccx-input[aria-invalid=true]{border-color:#d93026}.ccx-error{margin:4px 0 0;color:#d93026}' +
    '.ccx-q{border:0;margin:0 0 12px;padding:0;min-width:0}.ccx-q[hidden]{display:none}.ccx-q legend{padding:0;margin:0 0 6px;font-weight:600}' +
    '.ccx-choices{display:flex;flex-direction:column}.ccx-choice{display:flex;align-items:center;gap:8px;min-height:32px;cursor:pointer}' +
    '.ccx-choice input{width:18px;height:18px;margin:0;accent-color:var(--ccx-brand)}' +
    '.ccx-scale{display:flex;flex-wrap:wrap;gap:2px}.ccx-scale .ccx-choice{flex:1 0 26px;flex-direction:column;gap:2px;font-size:13px}' +
    '.ccx-scale-ends{margin:2px 0 0;color:#646a73;font-size:12px}textarea.ccx-input{resize:vertical;min-height:64px}' +
    ':focus{outline:none}:focus-visible{outline:2px solid var(--ccx-ink);outline-offset:2px}' +
    '.ccx-launcher{flex:none;align-self:flex-end;pointer-events:auto;min-height:44px;padding:10px 18px;border:0;border-radius:22px;background:var(--ccx-brand);color:var(--ccx-on-brand);font:600 14px/1.4 ' + FONT + ';box-shadow:0 4px 16px rgba(0,0,0,.2);cursor:pointer}' +
    ':host([data-side=left]) .ccx-launcher{align-self:flex-start}' +
    '.ccx-sr{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}' +
    '@media (max-width:480px){:host,:host([data-side=left]){left:0!important;right:0!important;bottom:0!important;width:auto!important;max-width:none!important;max-height:85vh!important;padding:12px 0 0!important;gap:8px!important}' +
    '.ccx-panel{border-radius:16px 16px 0 0;padding:14px 16px calc(16px + env(safe-area-inset-bottom));box-shadow:0 -6px 24px rgba(0,0,0,.18)}' +
    '.ccx-close{width:44px;height:44px;margin:-12px -12px 0 0}.ccx-btn{min-height:44px}.ccx-choice{min-height:44px}.ccx-launcher{margin:0 12px 12px}}'

  /** sRGB relative luminance (WCAG 2) of #rgb / #rrggbb. */
  function luminance(hex) {
    var h = hex.length === 4 ? hex.replace(/[0-9a-f]/gi, '$&$&') : hex
    var c = [1, 3, 5].map(function (i) {
      var v = parseInt(h.substr(i, 2), 16) / 255
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4)
    })
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]
  }
  function contrast(a, b) { return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) }
  /** Brand colour (data-color on the tag, else the site's from the server), the text on it, and the ink for links and focus. */
  function theme(d) {
    var color = attr('data-color')
    if (!HEX.test(color || '')) color = d.theme && HEX.test(d.theme.color || '') ? d.theme.color : '#1664ff'
    var l = luminance(color)
    return {brand: color, onBrand: contrast(l, 1) >= contrast(l, 0) ? '#fff' : '#111', ink: contrast(l, 1) >= 4.5 ? color : '#1f2329'}
  }

  function el(tag, text, cls) {
    var n = document.createElement(tag)
    if (text !== undefined && text !== null) n.textContent = String(text)
    if (cls) n.className = cls
    return n
  }

  var dock = null
  var focusOutside = null
  document.addEventListener('focusin', function (ev) { if (!dock || ev.target !== dock.host) focusOutside = ev.target }, true)
  function getDock() {
    if (dock && dock.host.isConnected) return dock
    var host = document.createElement('ccx-widgets')
    if (!host.attachShadow) return null // no shadow DOM (very old browsers): nothing is shown, so nothing counts as shown
    var side = attr('data-position')
    if (side === 'left') host.setAttribute('data-side', 'left')
    host.setAttribute('role', 'region')
    var root = host.attachShadow({mode: 'open'})
    var style = el('style', CSS)
    var live = el('div', null, 'ccx-sr')
    live.setAttribute('aria-live', 'polite')
    host.setAttribute('aria-label', LABELS[lang].region)
    root.appendChild(style)
    root.appendChild(live)
    document.body.appendChild(host)
    dock = {host: host, root: root, live: live, open: []}
    return dock
  }
  // Escape closes the newest widget when nothing on the page has focus (inside a widget, its own handler does it).
  document.addEventListener('keydown', function (ev) {
    var a = document.activeElement
    if (ev.key === 'Escape' && dock && dock.open.length && (!a || a === document.body || a === document.documentElement)) dock.open[dock.open.length - 1].dismiss()
  })

  var closeIcon = function () {
    var ns = 'http://www.w3.org/2000/svg'
    var svg = document.createElementNS(ns, 'svg')
    svg.setAttribute('viewBox', '0 0 24 24')
    svg.setAttribute('aria-hidden', 'true')
    var p = document.createElementNS(ns, 'path')
    p.setAttribute('d', 'M6 6l12 12M18 6 6 18')
    svg.appendChild(p)
    return svg
  }
  var seq = 0

  /**
   * The base every widget shares: a labelled, non-modal dialog with a title and a close button in its top-right
   * corner, a body, and an actions row. It does not take focus when it appears (the visitor did not ask for it);
   * it is announced politely, Escape or the close button dismiss it, and focus returns to where it was.
   */
  function panel(d, dk) {
    var n = ++seq
    var t = theme(d)
    var p = el('section', null, 'ccx-panel ccx-' + d.type)
    p.setAttribute('role', 'dialog')
    p.setAttribute('aria-modal', 'false')
    p.setAttribute('aria-labelledby', 'ccx-t' + n)
    p.setAttribute('data-ccx-directive', String(d.id || ''))
    p.style.setProperty('--ccx-brand', t.brand)
    p.style.setProperty('--ccx-on-brand', t.onBrand)
    p.style.setProperty('--ccx-ink', t.ink)
    var head = el('div', null, 'ccx-head')
    var title = el('h2', '', 'ccx-title')
    title.id = 'ccx-t' + n
    var body = el('div', null, 'ccx-body')
    var actions = null
    var onClose = null
    var closed = false
    function label(k) {
      var own = d.labels && d.labels[k]
      return typeof own === 'string' && own ? own : LABELS[lang][k]
    }
    var x = el('button', null, 'ccx-close')
    x.type = 'button'
    x.setAttribute('aria-label', label('close'))
    x.title = label('close')
    x.appendChild(closeIcon())
    head.appendChild(title)
    head.appendChild(x)
    p.appendChild(head)
    p.appendChild(body)
    var w = {
      d: d, panel: p, body: body, el: el, label: label, track: track,
      title: function (text) { title.textContent = String(text || '') },
      text: function (text, cls) {
        if (!text) return null
        var e = el('p', text, 'ccx-text' + (cls ? ' ' + cls : ''))
        if (!p.getAttribute('aria-describedby')) {
          e.id = 'ccx-m' + n
          p.setAttribute('aria-describedby', e.id)
        }
        return body.appendChild(e)
      },
      /** A link, only to http(s) and tel: (a server string never becomes javascript: or data:). */
      link: function (text, href, cls) {
        if (!/^(https?:\/\/|tel:)/i.test(String(href || ''))) return null
        var a = el('a', text, cls || 'ccx-link')
        a.href = href
        if (/^http/i.test(href)) {
          a.target = '_blank'
          a.rel = 'noopener noreferrer'
        }
        return a
      },
      actions: function () {
        if (!actions) actions = p.appendChild(el('div', null, 'ccx-actions'))
        return actions
      },
      button: function (text, kind, onClick) {
        var b = el('button', text, 'ccx-btn ccx-' + (kind || 'secondary'))
        b.type = 'button'
        b.onclick = onClick
        return w.actions().appendChild(b)
      },
      /** A labelled input; `error(text)` marks it invalid and says why (read out). */
      field: function (labelText, type, attrs) {
        var box = el('div', null, 'ccx-field')
        var input = el('input', null, 'ccx-input')
        input.id = 'ccx-i' + ++seq
        input.type = type || 'text'
        for (var k in attrs || {}) input.setAttribute(k, attrs[k])
        var lab = el('label', labelText)
        lab.htmlFor = input.id
        var err = el('p', null, 'ccx-error')
        err.id = input.id + '-e'
        err.hidden = true
        err.setAttribute('role', 'alert')
        box.appendChild(lab)
        box.appendChild(input)
        box.appendChild(err)
        body.appendChild(box)
        return {input: input, error: function (text) {
          err.textContent = text || ''
          err.hidden = !text
          if (text) {
            input.setAttribute('aria-invalid', 'true')
            input.setAttribute('aria-describedby', err.id)
            input.focus()
          } else input.removeAttribute('aria-invalid')
        }}
      },
      /** What dismissing (close button, Escape) records, e.g. invite_declined. */
      onClose: function (fn) { onClose = fn },
      /** Moves focus into the widget: only for widgets the visitor opened. */
      focus: function () { (p.querySelector('input,button.ccx-primary') || x).focus() },
      close: function () {
        if (closed) return
        closed = true
        var had = dk.root.activeElement && p.contains(dk.root.activeElement)
        p.remove()
        dk.open.splice(dk.open.indexOf(w), 1)
        if (had) {
          var next = dk.open[dk.open.length - 1]
          if (next) next.focus()
          else if (focusOutside && focusOutside.isConnected && focusOutside.focus) focusOutside.focus()
        }
      },
      dismiss: function () {
        if (onClose && !closed) onClose()
        w.close()
      },
      announce: function (text) {
        dk.live.textContent = ''
        dk.live.textContent = String(text || '')
      },
    }
    x.onclick = w.dismiss
    p.addEventListener('keydown', function (ev) {
      if (ev.key === 'Escape') {
        ev.stopPropagation()
        w.dismiss()
      }
    })
    return w
  }

  var widgets = {}
  /** Registers how a directive type is shown: render(d, w) fills the panel `w`; returning false shows nothing. */
  function widget(type, render) { widgets[type] = render }

  function show(d) {
    if (!d || !d.type || shown[d.id] || !widgets[d.type] || !document.body) return
    var dk = getDock()
    if (!dk) return
    shown[d.id] = true
    if (d.theme) siteTheme = d.theme
    var w = panel(d, dk)
    if (widgets[d.type](d, w) === false) return
    dk.root.appendChild(w.panel)
    dk.open.push(w)
    var said = w.panel.querySelector('.ccx-text')
    w.announce(w.panel.querySelector('.ccx-title').textContent + (said ? ' — ' + said.textContent : ''))
    return w
  }
  var siteTheme = null // the brand colour the server last sent

  /* chat.js's panel: opens with the page, focus left alone; closed, a launcher reopens it */
  function chatReady(render, css) {
    if (!document.body) return document.addEventListener('DOMContentLoaded', function () { chatReady(render, css) })
    widget('chat', render)
    var dk = getDock(), n = 0, launcher = null
    if (dk && css) dk.root.insertBefore(el('style', css), dk.root.firstChild.nextSibling)
    function open(focus) {
      if (launcher) launcher.remove()
      var w = show({type: 'chat', id: 'ccx-chat-' + ++n, theme: siteTheme})
      if (!w) return
      w.onClose(function () {
        var t = theme({theme: siteTheme})
        launcher = el('button', LABELS[lang].chatOpen, 'ccx-launcher')
        launcher.type = 'button'
        launcher.style.cssText = '--ccx-brand:' + t.brand + ';--ccx-on-brand:' + t.onBrand + ';--ccx-ink:' + t.ink
        launcher.onclick = function () { open(true) }
        dk.root.appendChild(launcher)
        launcher.focus()
      })
      if (focus) w.focus()
    }
    open(false)
  }

  widget('invite', function (d, w) {
    w.title(d.title || w.label('inviteTitle'))
    w.text(d.message)
    w.button(w.label('accept'), 'primary', function () {
      track('invite_accepted', {directive_id: d.id})
      track('chat_request', {directive_id: d.id})
      w.close()
    })
    w.button(w.label('decline'), 'secondary', w.dismiss)
    w.onClose(function () { track('invite_declined', {directive_id: d.id}) })
    track('invite_shown', {directive_id: d.id}) // shown right after render (render returns false to show nothing)
  })

  widget('card', function (d, w) {
    var r = d.resource || {}
    var title = d.title || r.name
    if (!title && !d.message) return false
    w.title(title || d.message)
    if (title) w.text(d.message)
    var said = d.message || ''
    var meta = el('dl', null, 'ccx-meta')
    function row(name, value) {
      meta.appendChild(el('dt', w.label(name)))
      var dd = meta.appendChild(el('dd'))
      if (typeof value === 'string') dd.textContent = value
      else dd.appendChild(value)
    }
    // The scenario's message usually names the address and phone already.
    if (r.address && said.indexOf(r.address) === -1) row('address', String(r.address))
    if (r.phone && said.indexOf(r.phone) === -1) row('phone', w.link(String(r.phone), 'tel:' + String(r.phone).replace(/[^\d+]/g, '')) || String(r.phone))
    if (r.hours) row('hours', String(r.hours))
    if (meta.firstChild) w.body.appendChild(meta)
    var a = r.url && w.link(w.label('link'), String(r.url), 'ccx-btn ccx-primary')
    if (a) w.actions().appendChild(a)
  })

  widget('lead_form', function (d, w) {
    w.title(d.title || w.label('leadTitle'))
    w.text(d.message)
    var form = el('form', null, 'ccx-form')
    form.noValidate = true
    w.body.appendChild(form)
    var phone = w.field(w.label('phoneField'), 'tel', {autocomplete: 'tel', inputmode: 'tel', placeholder: w.label('placeholder')})
    form.appendChild(phone.input.parentNode)
    var send = w.button(w.label('submit'), 'primary', null)
    send.type = 'submit'
    form.appendChild(w.actions())
    form.onsubmit = function (ev) {
      ev.preventDefault()
      var value = phone.input.value.trim()
      if ((value.match(/\d/g) || []).length < 6) return phone.error(w.label('badPhone'))
      phone.error('')
      track('lead', {directive_id: d.id, props: JSON.stringify({phone: value})})
      form.remove()
      w.text(w.label('thanks'))
      w.announce(w.label('thanks'))
      w.focus()
    }
  })

  // a questionnaire (docs/surveys.md): its form is its own file (survey.js), fetched the first time a survey is asked;
  // until it has registered the real widget, directives wait here and are shown once it has
  var surveysWaiting = null
  widget('survey', function (d) {
    shown[d.id] = false
    if (!surveysWaiting) {
      surveysWaiting = []
      var sj = document.createElement('script')
      sj.src = script.src.replace(/probe\.js(\?.*)?$/, 'survey.js')
      sj.async = true
      document.head.appendChild(sj)
    }
    surveysWaiting.push(d)
    return false
  })
  function surveyReady(render) {
    widget('survey', render)
    ;(surveysWaiting || []).splice(0).forEach(show)
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
    if (dock && t === dock.host) return // a widget (events from the shadow root reach the page retargeted to its host)
    track('click', {x: Math.round(ev.pageX), y: Math.round(ev.pageY), selector: selectorOf(t)})
  }, true)

  setInterval(function () { if (document.visibilityState === 'visible') track('heartbeat') }, heartbeatMs)
  document.addEventListener('visibilitychange', function () { if (document.visibilityState === 'hidden') flush(true) })
  window.addEventListener('pagehide', function () { flush(true) })


  // exit intent: the pointer leaves through the top edge (towards the tabs or the address bar), once per page
  var exitSent = false
  document.addEventListener('mouseout', function (ev) {
    if (exitSent || ev.relatedTarget || ev.clientY > 0) return
    exitSent = true
    track('exit_intent')
    flush()
  })

  // a site's own chat widget calls ccx.track('chat_end', {ref_id: conversationId}) when a chat ends
  window.ccx = {track: track, flush: flush, visitorId: visitorId, site: site, key: key, script: script, lang: lang, surveyReady: surveyReady, chatReady: chatReady}
  // the FAQ bot's chat panel is its own file, loaded only where a page asks for it
  if (script.getAttribute('data-bot') === 'on') {
    var chat = document.createElement('script')
    chat.src = script.src.replace(/probe\.js(\?.*)?$/, 'chat.js')
    chat.async = true
    document.head.appendChild(chat)
  }
  track('pageview', {referrer: document.referrer})
})()
