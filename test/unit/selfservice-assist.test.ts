import {describe, expect, it} from 'vitest'
import {minePhrases, placeholders, templateTokenizer} from '../../src/selfservice/assist/templates.js'
import {outcomeScore, ReplySuggester, type PastExchange} from '../../src/selfservice/assist/suggest.js'
import {jiebaWords} from '../../src/selfservice/bot/text.js'

describe('agent assist', () => {
  it('turns variable parts into placeholders', () => {
    expect(placeholders('您的订单 SO20261029881 已发货，预计10月31日送达，运费¥12.5')).toBe(
      '您的订单 {id} 已发货,预计{date}送达,运费{money}',
    )
    expect(placeholders('请拨打 400-622-2666 或 13812345678，营业时间9:00-18:00')).toBe('请拨打 {phone} 或 {phone},营业时间{time}')
    expect(placeholders('王先生您好，LBP2900+有驱动：https://canon.com.cn/d?x=1')).toBe('{name}您好,LBP2900+有驱动:{url}')
    expect(placeholders('I donated $0.50 and 2 dollars')).toBe('I donated {money} and {money}')
  })

  it('mines a slot where otherwise identical replies differ in one word, and counts them as one phrase', () => {
    const replies = [
      '北京的金牌经销商有现货。',
      '长沙的金牌经销商有现货。',
      '昆明的金牌经销商有现货。',
      '北京的金牌经销商有现货。',
      '支持12期免息分期。',
      '支持6期免息分期。',
      '好的',
    ]
    const phrases = minePhrases(replies, templateTokenizer(jiebaWords), {minFillers: 3})
    expect(phrases.map((p) => [p.template, p.count])).toEqual([
      ['{x}的金牌经销商有现货。', 4],
      ['支持{n}期免息分期。', 2],
    ])
    expect(phrases[0].share).toBe(4 / 7)
  })

  it('outcome: the mean of resolved, lead and CSAT top-2-box (hand-computed)', () => {
    expect(outcomeScore({resolved: true, lead: false, csat: 5})).toBe(2 / 3)
    expect(outcomeScore({resolved: null, lead: true, csat: null})).toBe(0.75)
    expect(outcomeScore({resolved: false, lead: false, csat: 2})).toBe(0)
  })

  it('ranks the replies to similar past messages by similarity × (0.5 + 0.5 × outcome)', () => {
    const x = (customer: string, reply: string, resolved: boolean, csat: number | null, id: string): PastExchange => ({
      conversationId: id,
      group: 'support',
      customer,
      reply,
      resolved,
      lead: false,
      csat,
    })
    const s = new ReplySuggester([
      x('打印机驱动装不上', '请以管理员身份运行安装程序。', true, 5, 'c1'),
      x('打印机驱动装不上', '重启试试。', false, 1, 'c2'),
      x('想买相机', '推荐R50。', true, null, 'c3'),
    ])
    const top = s.suggest('驱动装不上怎么办')
    expect(top.map((t) => t.reply)).toEqual(['请以管理员身份运行安装程序。', '重启试试。'])
    // same similarity, outcomes 2/3 and 0: scores in the ratio (0.5 + 1/3) : 0.5
    expect(top[0].similarity).toBe(top[1].similarity)
    expect(top[0].score).toBeCloseTo(top[0].similarity * (0.5 + 0.5 * (2 / 3)), 3)
    expect(top[1].score).toBeCloseTo(top[1].similarity * 0.5, 3)
  })
})
