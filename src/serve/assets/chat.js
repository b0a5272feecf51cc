/* ccx FAQ bot chat panel: loaded by probe.js on pages whose probe tag says data-bot="on". Asks ccx serve's POST /bot
   with the previous exchange as context; shows the answer, its links and cards, follow-up questions as buttons, 👍/👎
   (a bot_feedback event) and "talk to a person" (a chat_request event) through the probe. Text only (textContent), links
   only to http(s) or site paths; no dependencies, no eval. Labels: data-bot-placeholder, -send, -person, -unsure,
   -handed, -error on the probe tag. */
;(function () {
  'use strict'
  var ccx = window.ccx
  var script = document.currentScript
  if (!ccx || !script || window.__ccxChat) return
  window.__ccxChat = true
  function el(tag, text, cls) {
    var n = document.createElement(tag)
    if (text !== undefined && text !== null) n.textContent = String(text)
    if (cls) n.className = cls
    return n
  }
  function chatPanel() {
    var url = script.src.replace(/chat\.js(\?.*)?$/, 'bot'),
      last = null
    function label(k, d) {
      return ccx.script.getAttribute('data-bot-' + k) || d
    }
    var p = el('div', null, 'ccx-box ccx-chat'),
      log = el('div'),
      input = el('input', null, 'ccx-chat-input')
    p.style.cssText =
      'position:fixed;left:16px;bottom:16px;width:320px;max-height:70vh;overflow:auto;background:#fff;color:#222;border:1px solid #c00;border-radius:8px;padding:8px;font:14px sans-serif;box-shadow:0 2px 12px rgba(0,0,0,.2);z-index:2147483646'
    input.placeholder = label('placeholder', '请输入您的问题 / Ask a question')
    var send = el('button', label('send', '发送'), 'ccx-chat-send'),
      person = el('button', label('person', '转人工 / Talk to a person'), 'ccx-chat-person')
    function say(t, c) {
      log.appendChild(el('p', t, c))
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
          m.appendChild(
            el(
              'p',
              a.answered ? a.answer : label('unsure', '这个问题我还不太确定，可以转人工客服为您解答。'),
              a.answered ? 'ccx-chat-answer' : 'ccx-chat-unsure',
            ),
          )
          ;(a.links || []).forEach(function (l) {
            if (!/^(https?:\/\/|\/(?!\/))/.test(l.url)) return
            var c = el('a', l.title, l.kind === 'card' ? 'ccx-chat-card' : 'ccx-chat-link')
            c.href = l.url
            c.style.display = 'block'
            m.appendChild(c)
          })
          ;(a.followups || [])
            .concat(a.alternatives || [])
            .slice(0, 4)
            .forEach(function (f) {
              var b = el('button', f.question, 'ccx-chat-suggest')
              b.onclick = function () {
                ask(f.question)
              }
              m.appendChild(b)
            })
          if (a.answered)
            ['up', 'down'].forEach(function (v) {
              var b = el('button', v === 'up' ? '👍' : '👎', 'ccx-chat-vote-' + v)
              b.onclick = function () {
                ccx.track('bot_feedback', {ref_id: a.exchange_id, props: JSON.stringify({vote: v})})
              }
              m.appendChild(b)
            })
          log.appendChild(m)
        })
        .catch(function () {
          say(label('error', '暂时无法回答'), 'ccx-chat-system')
        })
    }
    send.onclick = function () {
      var q = input.value.trim()
      input.value = ''
      ask(q)
    }
    input.onkeydown = function (ev) {
      if (ev.key === 'Enter') send.onclick()
    }
    person.onclick = function () {
      ccx.track('chat_request', {ref_id: last ? last.x : undefined, props: '{"source":"bot"}'})
      say(label('handed', '正在为您转接人工客服…'), 'ccx-chat-system')
    }
    ;[log, input, send, person].forEach(function (n) {
      p.appendChild(n)
    })
    document.body.appendChild(p)
  }
  if (document.body) chatPanel()
  else document.addEventListener('DOMContentLoaded', chatPanel)
})()
