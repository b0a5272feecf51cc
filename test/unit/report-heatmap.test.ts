import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {Store} from '../../src/store/store.js'
import {heatmapChart, heatmapReport} from '../../src/reports/marketing/heatmap.js'
import {buildMarketingMoreFixture} from '../helpers/marketing-more-fixture.js'

describe('heatmap report', () => {
  let store: Store
  beforeAll(async () => {
    store = await Store.open(':memory:')
    await buildMarketingMoreFixture(store)
  })
  afterAll(async () => store.close())

  it('bins the clicks of one page into a grid', async () => {
    const r = await heatmapReport(store, 'https://a.cn/p2', {bin: 50})
    // clicks on /p2: (10,20) (60,20) from S1, (40,45) from S4 on /p2?utm=x; the bot's click is left out
    expect(r.clicks).toBe(3)
    expect(r.located).toBe(3)
    expect(r.cells).toEqual([
      {x0: 0, y0: 0, x1: 50, y1: 50, clicks: 2, share: 2 / 3},
      {x0: 50, y0: 0, x1: 100, y1: 50, clicks: 1, share: 1 / 3},
    ])
    expect(r.selectors).toEqual([
      {selector: 'button.buy', clicks: 2, share: 2 / 3},
      {selector: '(none)', clicks: 1, share: 1 / 3},
    ])
    const spec = heatmapChart(r) as {mark: {type: string}; encoding: {y: {scale: {reverse: boolean}}}}
    expect(spec.mark.type).toBe('rect')
    expect(spec.encoding.y.scale.reverse).toBe(true)
  })

  it('matches wildcards and a finer grid; fails with the busiest pages when there is nothing', async () => {
    const all = await heatmapReport(store, 'https://a.cn/p*', {bin: 20})
    // + S2's click (130,70) on /p1; bins of 20: (0,20) (40,40) (60,20) (120,60)
    expect(all.clicks).toBe(4)
    expect(all.cells.map((c) => [c.x0, c.y0, c.clicks])).toEqual([
      [0, 20, 1],
      [60, 20, 1],
      [40, 40, 1],
      [120, 60, 1],
    ])
    await expect(heatmapReport(store, 'https://a.cn/p3')).rejects.toThrow(/no click events/)
  })
})
