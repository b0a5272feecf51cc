import {describe, expect, it} from 'vitest'
import {colorScale, colourOf, everyDay, OTHER, topSeries} from '../../src/charts/series.js'
import {phoneSpec, wrapText} from '../../src/charts/phone.js'
import {label} from '../../src/format/labels.js'

describe('chart series: colours by meaning, folding into "other", complete days', () => {
  it('gives a value the same colour in every chart, by its raw name or its label', () => {
    expect(colorScale(['visitors', 'leads'])).toEqual({domain: ['visitors', 'leads'], range: ['#4c78a8', '#54a24b']})
    expect(colorScale(['Leads', 'Visitors']).range).toEqual(['#54a24b', '#4c78a8'])
    expect(colourOf('Chat requests')).toBe(colourOf('chat_requests'))
    expect(colourOf(OTHER)).toBe('#bdbdbd')
    // a value without a meaning: the same colour from its name, wherever it appears
    expect(colourOf('greeting')).toBe(colourOf('greeting'))
  })

  it('never gives two values of one chart the same colour', () => {
    const names = Array.from({length: 12}, (_, i) => `stage ${i}`)
    const {range} = colorScale(names)
    expect(new Set(range).size).toBe(12)
  })

  it('keeps the 8 largest series and says how many were folded', () => {
    const weights = new Map(Object.entries({a: 9, b: 8, c: 7, d: 6, e: 5, f: 4, g: 3, h: 2, i: 1, j: 1}))
    const top = topSeries(weights, 'sources')
    expect([...top.keep]).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'])
    expect(top.folded).toBe(2)
    expect(top.note).toBe('the 8 largest sources; 2 more folded into "other" (the table has them all)')
    expect(topSeries(new Map([['a', 1]]), 'sources')).toMatchObject({folded: 0, note: null})
  })

  it('lists every day from the first to the last, in order', () => {
    expect(everyDay(['2026-11-03', '2026-10-30', '2026-11-01'])).toEqual([
      '2026-10-30',
      '2026-10-31',
      '2026-11-01',
      '2026-11-02',
      '2026-11-03',
    ])
    expect(everyDay([])).toEqual([])
  })
})

describe('labels people read', () => {
  it('names metrics in words; an unknown name reads with spaces', () => {
    expect(label('chat_requests')).toBe('Chat requests')
    expect(label('inquiry_rate')).toBe('Inquiry rate')
    expect(label('service_station')).toBe('Service station')
  })
})

describe('phone layout of a chart', () => {
  it('stacks side-by-side panels, narrows plots, puts legends below and wraps long titles', () => {
    const spec = {
      title: 'Attributed conversions by channel and model, one panel per conversion kind',
      width: 320,
      hconcat: [{width: 300, mark: 'bar'}],
      encoding: {column: {field: 'conversion'}},
    }
    const phone = phoneSpec(spec) as any
    expect(phone.vconcat).toEqual([{width: 200, mark: 'bar'}])
    expect(phone.hconcat).toBeUndefined()
    expect(phone.encoding).toEqual({row: {field: 'conversion'}})
    expect(phone.width).toBe(200)
    expect(phone.config.legend.orient).toBe('bottom')
    expect(phone.title).toEqual(['Attributed conversions by channel and model,', 'one panel per conversion kind'])
    // the spec given is left as it was
    expect(spec.hconcat[0].width).toBe(300)
  })

  it('wraps Chinese text by width (a character counts two)', () => {
    expect(wrapText('佳能打印机驱动下载佳能打印机驱动下载佳能打印机驱动下载', 20)).toEqual([
      '佳能打印机驱动下载佳',
      '能打印机驱动下载佳能',
      '打印机驱动下载',
    ])
    expect(wrapText('short')).toBe('short')
  })
})
