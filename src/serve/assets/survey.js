/* ccx questionnaire form (docs/surveys.md): loaded by the probe the first time a survey directive arrives, drawn on
   the probe's widget base (its panel, labels, brand colour and keyboard behaviour). Text only, no eval. */
;(function () {
  'use strict'
  if (!window.ccx || !window.ccx.surveyReady) return
  /* a questionnaire (docs/surveys.md): one form; a question a skip rule jumps over is hidden and not sent */
  window.ccx.surveyReady(function (d, w) {
    var s = d.survey
    if (!s || !s.questions || !s.questions.length) return false
    var lang = window.ccx.lang
    var sl = s.languages && s.languages.indexOf(lang) !== -1 ? lang : (s.languages && s.languages[0]) || lang
    function tx(t) {
      return t && typeof t === 'object' ? t[sl] || t.zh || t.en || '' : String(t || '')
    }
    var meta = {survey: s.id, version: s.version, language: sl}
    if (s.campaign) meta.campaign = s.campaign
    if (s.conversation_id) meta.conversation_id = s.conversation_id
    w.title(tx(s.title))
    var el = w.el
    var track = w.track
    var form = el('form', null, 'ccx-form ccx-survey-form')
    form.noValidate = true
    w.body.appendChild(form)
    var items = s.questions.map(function (q, k) {
      var box = el('fieldset', null, 'ccx-q ccx-q-' + q.type)
      box.setAttribute('data-q', q.id)
      box.appendChild(el('legend', tx(q.text) + (q.required ? ' *' : '')))
      var it = {q: q, box: box, inputs: [], area: null}
      var group = el('div', null, q.type === 'rating' ? 'ccx-scale' : 'ccx-choices')
      function choice(value, text) {
        var lab = el('label', null, 'ccx-choice')
        var i = el('input')
        i.type = q.type === 'multiple' ? 'checkbox' : 'radio'
        i.name = 'ccx-' + d.id + '-' + k
        i.value = value
        i.onchange = refresh
        lab.appendChild(i)
        lab.appendChild(el('span', text))
        group.appendChild(lab)
        it.inputs.push(i)
      }
      if (q.type === 'rating') {
        for (var v = q.scale === '0-10' ? 0 : 1; v <= (q.scale === '0-10' ? 10 : 5); v++) choice(String(v), String(v))
        if (q.low || q.high) group.setAttribute('aria-label', tx(q.low) + ' … ' + tx(q.high))
      } else if (q.type === 'text') {
        it.area = el('textarea', null, 'ccx-input')
        it.area.rows = 3
        it.area.maxLength = Math.min(q.maxLength || 1000, 1000)
        it.area.setAttribute('aria-label', tx(q.text))
        group.appendChild(it.area)
      } else
        (q.options || []).forEach(function (o) {
          choice(o.value, tx(o.label))
        })
      box.appendChild(group)
      if (q.type === 'rating' && (q.low || q.high)) box.appendChild(el('p', tx(q.low) + ' ← → ' + tx(q.high), 'ccx-scale-ends'))
      it.error = el('p', null, 'ccx-error')
      it.error.hidden = true
      it.error.setAttribute('role', 'alert')
      box.appendChild(it.error)
      form.appendChild(box)
      return it
    })
    function valueOf(it) {
      if (it.area) return it.area.value.trim() || null
      var on = it.inputs
        .filter(function (i) {
          return i.checked
        })
        .map(function (i) {
          return i.value
        })
      if (!on.length) return null
      if (it.q.type === 'multiple') return on
      return it.q.type === 'rating' ? Number(on[0]) : on[0]
    }
    function refresh() {
      var jump = null
      items.forEach(function (it) {
        if (jump === it.q.id) jump = null
        it.box.hidden = jump !== null
        if (it.box.hidden) return
        var v = valueOf(it)
        ;(it.q.skip || []).some(function (r) {
          var hit =
            v !== null &&
            r.when.some(function (x) {
              return String(x) === String(v)
            })
          if (hit) jump = r.goto
          return hit
        })
      })
    }
    var send = w.button(w.label('submit'), 'primary', null)
    send.type = 'submit'
    form.appendChild(w.actions())
    form.onsubmit = function (ev) {
      ev.preventDefault()
      var answers = {}
      var missing = null
      items.forEach(function (it) {
        it.error.hidden = true
        it.box.removeAttribute('aria-invalid')
        if (it.box.hidden) return
        var v = valueOf(it)
        if (v !== null) answers[it.q.id] = v
        else if (it.q.required && !missing) missing = it
      })
      if (missing) {
        missing.error.textContent = w.label('answerThis')
        missing.error.hidden = false
        missing.box.setAttribute('aria-invalid', 'true')
        return (missing.inputs[0] || missing.area).focus()
      }
      track('survey_answer', {directive_id: d.id, props: JSON.stringify(Object.assign({answers: answers}, meta))})
      window.ccx.flush()
      form.remove()
      w.text(w.label('surveyThanks'))
      w.announce(w.label('surveyThanks'))
      w.focus()
    }
    track('survey_shown', {directive_id: d.id, props: JSON.stringify(meta)})
  })
})()
