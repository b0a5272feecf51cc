/* ccx FAQ bot chat panel: loaded by probe.js on pages whose probe tag says data-bot="on", drawn on the probe's widget
   base (its panel with the close button in the top-right corner, brand colour — data-color on the tag or the site's —,
   shadow root, keyboard and screen-reader behaviour, bottom sheet on phones). Asks ccx serve's POST /bot with the
   previous exchange as context; shows the answer, its links and cards, follow-up questions as buttons, 👍/👎 (a
   bot_feedback event) and "talk to a person" (a chat_request event) through the probe. Text only (textContent), links
   only to http(s) or site paths; no dependencies, no eval. Labels: data-bot-title, -placeholder, -send, -person,
   -unsure, -handed, -error on the probe tag. */
;(function () {
  'use strict'
  var ccx = window.ccx
  var script = document.currentScript
  if (!ccx || !ccx.chatReady || !script || window.__ccxChat) return
  window.__ccxChat = true
  var url = script.src.replace(/chat\.js(\?.*)?$/, 'bot')
  var zh = ccx.lang === 'zh'
  var DEFAULTS = zh
    ? {
        title: '在线问答',
        placeholder: '请输入您的问题',
        field: '您的问题',
        send: '发送',
        person: '转人工客服',
        unsure: '这个问题我还不太确定，可以转人工客服为您解答。',
        handed: '正在为您转接人工客服…',
        error: '暂时无法回答，请稍后再试。',
        up: '有帮助',
        down: '没有帮助',
        thanks: '感谢反馈',
        log: '问答记录',
      }
    : {
        title: 'Questions? Ask us',
        placeholder: 'Type your question',
        field: 'Your question',
        send: 'Send',
        person: 'Talk to a person',
        unsure: 'I am not sure about this one: a person can answer it.',
        handed: 'Connecting you to a person…',
        error: 'No answer right now, please try again later.',
        up: 'Helpful',
        down: 'Not helpful',
        thanks: 'Thank you',
        log: 'Conversation',
      }
  function label(k) {
    return ccx.script.getAttribute('data-bot-' + k) || DEFAULTS[k]
  }
  // px only; in the probe's shadow root (the host page's CSS neither reaches in nor out)
  var CSS =
    '.ccx-chat-log{display:flex;flex-direction:column;gap:8px;max-height:min(320px,45vh);overflow-y:auto;margin:0 0 8px;padding:2px}' +
    '.ccx-chat-log:empty{display:none}' +
    '.ccx-chat-visitor{align-self:flex-end;max-width:85%;margin:0;padding:6px 10px;border-radius:12px 12px 2px 12px;background:var(--ccx-brand);color:var(--ccx-on-brand)}' +
    '.ccx-chat-bot{align-self:flex-start;max-width:92%;padding:8px 10px;border-radius:12px 12px 12px 2px;background:#f2f3f5}' +
    '.ccx-chat-bot p{margin:0 0 4px}.ccx-chat-system{margin:0;color:#646a73;font-size:13px}' +
    '.ccx-chat-link,.ccx-chat-card{display:block;margin:4px 0 0;color:var(--ccx-ink);text-decoration:underline;text-underline-offset:2px}' +
    '.ccx-chat-card{padding:6px 8px;border:1px solid #c9cdd4;border-radius:8px;background:#fff;text-decoration:none}' +
    '.ccx-chat-chips{display:flex;flex-wrap:wrap;gap:6px;margin:6px 0 0}' +
    '.ccx-chat-suggest{min-height:32px;max-width:100%;padding:4px 10px;border:1px solid #c9cdd4;border-radius:16px;background:#fff;color:#1f2329;font-family:inherit;font-size:13px;line-height:1.4;text-align:left;cursor:pointer}' +
    '.ccx-chat-votes{display:flex;gap:4px;margin:6px 0 0}' +
    '.ccx-chat-votes button{min-height:32px;padding:2px 10px;border:1px solid #c9cdd4;border-radius:8px;background:#fff;color:#1f2329;font-family:inherit;font-size:13px;cursor:pointer}' +
    '.ccx-chat-votes button[aria-pressed=true]{border-color:var(--ccx-ink);background:#eef3ff}' +
    '.ccx-chat-form{display:flex;gap:8px;align-items:flex-end}.ccx-chat-form .ccx-field{flex:1 1 auto;min-width:0;margin:0}' +
    '.ccx-chat-send{flex:none;min-height:40px;padding:8px 14px}' +
    '@media (max-width:480px){.ccx-chat-send{min-height:44px}.ccx-chat-suggest,.ccx-chat-votes button{min-height:44px}}'
  var log = null // the conversation survives closing and reopening the panel
  var last = null

  ccx.chatReady(function (d, w) {
    var el = w.el
    w.title(label('title'))
    w.panel.classList.add('ccx-chat')
    if (!log) {
      log = el('div', null, 'ccx-chat-log')
      log.setAttribute('role', 'log')
      log.setAttribute('aria-live', 'polite')
      log.setAttribute('aria-label', label('log'))
    }
    w.body.appendChild(log)
    var form = el('form', null, 'ccx-chat-form')
    form.noValidate = true
    w.body.appendChild(form)
    var field = w.field(label('field'), 'text', {
      placeholder: label('placeholder'),
      autocomplete: 'off',
      enterkeyhint: 'send',
      maxlength: '500',
    })
    field.input.classList.add('ccx-chat-input')
    // named for screen readers, the placeholder says it on screen: the panel stays compact
    field.input.parentNode.querySelector('label').className = 'ccx-sr'
    form.appendChild(field.input.parentNode)
    var send = el('button', label('send'), 'ccx-btn ccx-primary ccx-chat-send')
    send.type = 'submit'
    form.appendChild(send)
    w.button(label('person'), 'secondary', function () {
      ccx.track('chat_request', {ref_id: last ? last.x : undefined, props: '{"source":"bot"}'})
      say(label('handed'), 'ccx-chat-system')
    }).classList.add('ccx-chat-person')

    function say(t, c) {
      var p = log.appendChild(el('p', t, c))
      log.scrollTop = log.scrollHeight
      return p
    }
    function link(text, href, cls) {
      if (!/^(https?:\/\/|\/(?!\/))/.test(String(href || ''))) return null
      var a = el('a', text, cls)
      a.href = href
      if (/^http/i.test(href)) {
        a.target = '_blank'
        a.rel = 'noopener noreferrer'
      }
      return a
    }
    function ask(q) {
      if (!q) return
      say(q, 'ccx-chat-visitor')
      var body = {site: ccx.site, key: ccx.key, visitor_id: ccx.visitorId, question: q}
      if (last) body.context = {question: last.q, entry_id: last.e || undefined}
      fetch(url, {method: 'POST', body: JSON.stringify(body), headers: {'content-type': 'text/plain'}, credentials: 'omit'})
        .then(function (r) {
          return r.ok ? r.json() : null
        })
        .then(function (a) {
          if (!a) throw 0
          last = {x: a.exchange_id, q: q, e: a.answered && a.entry ? a.entry.id : null}
          var m = el('div', null, 'ccx-chat-bot')
          m.setAttribute('data-ccx-exchange', String(a.exchange_id))
          m.appendChild(el('p', a.answered ? a.answer : label('unsure'), a.answered ? 'ccx-chat-answer' : 'ccx-chat-unsure'))
          ;(a.links || []).forEach(function (l) {
            var c = link(l.title, l.url, l.kind === 'card' ? 'ccx-chat-card' : 'ccx-chat-link')
            if (c) m.appendChild(c)
          })
          var more = (a.followups || []).concat(a.alternatives || []).slice(0, 4)
          if (more.length) {
            var chips = m.appendChild(el('div', null, 'ccx-chat-chips'))
            more.forEach(function (f) {
              var b = el('button', f.question, 'ccx-chat-suggest')
              b.type = 'button'
              b.onclick = function () {
                ask(f.question)
              }
              chips.appendChild(b)
            })
          }
          if (a.answered) {
            var votes = m.appendChild(el('div', null, 'ccx-chat-votes'))
            ;['up', 'down'].forEach(function (v) {
              // words, not 👍/👎: a machine without an emoji font shows those as empty boxes
              var b = el('button', label(v), 'ccx-chat-vote-' + v)
              b.type = 'button'
              b.setAttribute('aria-pressed', 'false')
              b.onclick = function () {
                if (votes.getAttribute('data-voted')) return
                votes.setAttribute('data-voted', v)
                b.setAttribute('aria-pressed', 'true')
                ccx.track('bot_feedback', {ref_id: a.exchange_id, props: JSON.stringify({vote: v})})
                w.announce(label('thanks'))
              }
              votes.appendChild(b)
            })
          }
          log.appendChild(m)
          log.scrollTop = log.scrollHeight
        })
        .catch(function () {
          say(label('error'), 'ccx-chat-system')
        })
    }
    form.onsubmit = function (ev) {
      ev.preventDefault()
      var q = field.input.value.trim()
      field.input.value = ''
      ask(q)
    }
  }, CSS)
})()
