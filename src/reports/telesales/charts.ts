import type {ScriptsAnalysis} from './analysis.js'
import {colorScale} from '../../charts/series.js'

/** Vega-Lite specs for the scripts report (plain data, no functions: they serialize as .vl.json). */
const round = (x: number | null, d = 4) => (x === null || !Number.isFinite(x) ? null : Math.round(x * 10 ** d) / 10 ** d)

export function hitRateChart(a: ScriptsAnalysis): object {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Script hit rate (share of calls that said it)',
    data: {values: a.scripts.map((s) => ({script: s.scriptId, stage: s.stage, hitRate: round(s.hitRate), excluded: s.excluded}))},
    mark: 'bar',
    encoding: {
      y: {field: 'script', type: 'nominal', sort: null, title: null},
      x: {field: 'hitRate', type: 'quantitative', axis: {format: '%'}, title: 'hit rate'},
      color: {field: 'stage', type: 'nominal', sort: null, scale: colorScale(a.scripts.map((s) => s.stage))},
      tooltip: [{field: 'script'}, {field: 'stage'}, {field: 'hitRate', format: '.1%'}],
    },
    width: 420,
  }
}

export function liftChart(a: ScriptsAnalysis): object {
  const values = a.scripts
    .filter((s) => !s.excluded)
    .map((s) => ({
      script: s.scriptId,
      stage: s.stage,
      logOdds: round(s.logOdds),
      low: round(s.logOddsLow),
      high: round(s.logOddsHigh),
      lift: round(s.lift),
      q: round(s.qValue),
      significant: (s.qValue ?? 1) < 0.05 ? 'q < 0.05' : 'not significant',
    }))
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Effect on sale: log odds ratio, hit vs not hit (95% interval)',
    data: {values},
    layer: [
      {
        mark: 'rule',
        encoding: {
          y: {field: 'script', type: 'nominal', sort: null, title: null},
          x: {field: 'low', type: 'quantitative', title: 'log odds ratio'},
          x2: {field: 'high'},
        },
      },
      {
        mark: {type: 'point', filled: true, size: 60},
        encoding: {
          y: {field: 'script', type: 'nominal', sort: null, title: null},
          x: {field: 'logOdds', type: 'quantitative'},
          color: {field: 'significant', type: 'nominal', scale: colorScale(['q < 0.05', 'not significant'])},
          tooltip: [{field: 'script'}, {field: 'lift', format: '.2f'}, {field: 'logOdds', format: '.2f'}, {field: 'q', format: '.3g'}],
        },
      },
      {data: {values: [{zero: 0}]}, mark: {type: 'rule', strokeDash: [4, 4]}, encoding: {x: {field: 'zero', type: 'quantitative'}}},
      // the reference line says what it is
      {
        data: {values: [{zero: 0, text: 'no effect (0)'}]},
        mark: {type: 'text', align: 'left', dx: 3, dy: -4, baseline: 'bottom', fontSize: 10},
        encoding: {x: {field: 'zero', type: 'quantitative'}, y: {value: 0}, text: {field: 'text'}},
      },
    ],
    width: 420,
  }
}

export function concentrationChart(a: ScriptsAnalysis): object {
  const shares = a.scripts.filter((s) => s.share !== null).sort((x, y) => (y.share ?? 0) - (x.share ?? 0))
  let cumulative = 0
  const values = shares.map((s, rank) => {
    cumulative += s.share ?? 0
    return {
      script: s.scriptId,
      rank: rank + 1,
      share: round(s.share),
      cumulative: round(cumulative),
      direction: s.direction > 0 ? 'more in sales' : 'more in non-sales',
    }
  })
  const c = a.concentration
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `Verdict: ${a.verdict}`,
      subtitle: `top ${c.k} carry ${(c.topKShare * 100).toFixed(0)}% of the success/failure difference; permutation p = ${a.test.pValue.toFixed(3)}`,
    },
    data: {values},
    encoding: {x: {field: 'script', type: 'nominal', sort: null, title: null, axis: {labelAngle: -40}}},
    layer: [
      {
        mark: 'bar',
        encoding: {
          y: {field: 'share', type: 'quantitative', axis: {format: '%'}, title: 'share of the χ² beyond chance'},
          color: {
            field: 'direction',
            type: 'nominal',
            scale: colorScale(['more in sales', 'more in non-sales']),
          },
        },
      },
      {mark: {type: 'line', point: true, color: '#333'}, encoding: {y: {field: 'cumulative', type: 'quantitative'}}},
    ],
    width: 480,
  }
}

export function scriptsReportChart(a: ScriptsAnalysis): object {
  const strip = (spec: object) => {
    const {$schema: _, ...rest} = spec as Record<string, unknown>
    return rest
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    vconcat: [strip(concentrationChart(a)), strip(liftChart(a)), strip(hitRateChart(a))],
    resolve: {scale: {color: 'independent', x: 'independent', y: 'independent'}},
  }
}
