// Engagement Log – charts of the dashboard figures (progressive enhancement).
//
// Loaded as an ES module after the vendored Chart.js, which is a classic script that
// sets window.Chart (module scripts run after it, in document order):
//
//   {% block extra_js %}
//   <script src="{% static 'vendor/chart.js/chart.umd.min.js' %}"></script>
//   <script type="module" src="{% static 'js/charts.js' %}"></script>
//   {% endblock %}
//
// Each chart is a hidden <figure data-chart="ID"> (templates/dashboards/includes/chart.html)
// holding a <canvas> and the chart's spec as JSON in <script type="application/json"
// id="ID"> (json_script: no inline script, the Content-Security-Policy stays strict). The
// spec comes from engagement/dashboards/charts.py: kind ("line" over months, "bar"
// otherwise), unit ("%", "days" or "" for numbers), category (the axis of the rows),
// labels, series [{label, values}] with null for "no data", and a description (the
// canvas's aria-label). The figure is shown only once its chart is drawn, so without
// JavaScript (or if drawing fails) the table below it reads alone.
//
// Series are told apart without colour: a value written at the end of every bar and, on
// line charts, each series' name at its last point, with a dash pattern and a point
// shape per line and a fill pattern per set of bars. Animation is off for people who
// prefer reduced motion. Chart.js sizes the canvas through the CSS object model
// (element.style.width = ...), which a strict style-src allows; no style attribute or
// <style> element is written.

const Chart = window.Chart

// GOV.UK Frontend colours, each at least 3:1 against white (WCAG 1.4.11).
const COLOURS = ['#1d70b8', '#ca3535', '#0f7a52', '#54319f', '#484949', '#98285d']
const TEXT = '#0b0c0c'
const GRID = '#cecece'
const DASHES = [[], [10, 5], [3, 4], [14, 4, 3, 4], [6, 6], [1, 3]]
const POINT_STYLES = ['circle', 'rect', 'triangle', 'rectRot', 'crossRot', 'star']
const FONT = 'arial, sans-serif'
const FONT_SIZE = 14
const LABEL_FONT = `bold ${FONT_SIZE}px ${FONT}`
const LEGEND_FONT = `${FONT_SIZE}px ${FONT}` // also the axes' labels
const LINE_HEIGHT = 17
const UNIT_TITLES = { '%': 'Percent (%)', days: 'Days', '': 'Number' }

const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)')

function reportError (error) {
  // The table below each chart carries the figures: log and carry on.
  console.error('Engagement Log: could not draw a chart', error)
}

function formatValue (value, unit) {
  if (value === null || value === undefined) return 'no data'
  if (unit === '%') return `${value.toFixed(1)}%`
  if (unit === 'days') {
    const days = Number.isInteger(value) ? String(value) : value.toFixed(1)
    return `${days} day${days === '1' ? '' : 's'}`
  }
  return value.toLocaleString('en-GB')
}

// "January 2026" on a narrow axis: "Jan" over "2026".
function shortMonth (label) {
  const [month, year] = String(label).split(' ')
  return year ? [month.slice(0, 3), year] : label
}

// The width of a text in a font (Chart.js changes the context's font as it draws).
function measureWith (context, font) {
  return (text) => {
    context.font = font
    return context.measureText(text).width
  }
}

// Words wrapped to lines no wider than `maxWidth`.
function wrap (text, maxWidth, width) {
  const lines = []
  for (const word of text.split(' ')) {
    const last = lines[lines.length - 1]
    if (last && width(`${last} ${word}`) <= maxWidth) {
      lines[lines.length - 1] = `${last} ${word}`
    } else {
      lines.push(word)
    }
  }
  return lines
}

// A fill told apart without colour: solid, diagonal stripes, dots, cross-hatching ...
function barFill (index, colour) {
  if (index === 0) return colour
  const tile = document.createElement('canvas')
  tile.width = 10
  tile.height = 10
  const context = tile.getContext('2d')
  context.fillStyle = '#ffffff'
  context.fillRect(0, 0, 10, 10)
  context.strokeStyle = colour
  context.fillStyle = colour
  context.lineWidth = 2.5
  const kind = index % 4
  if (kind === 1 || kind === 3) {
    context.beginPath()
    context.moveTo(0, 10)
    context.lineTo(10, 0)
    context.moveTo(-5, 5)
    context.lineTo(5, -5)
    context.moveTo(5, 15)
    context.lineTo(15, 5)
    context.stroke()
  }
  if (kind === 3) {
    context.beginPath()
    context.moveTo(0, 0)
    context.lineTo(10, 10)
    context.stroke()
  }
  if (kind === 2) {
    context.beginPath()
    context.arc(5, 5, 2.5, 0, 2 * Math.PI)
    context.fill()
  }
  return context.createPattern(tile, 'repeat')
}

// Writes each bar's value at its end and each line's name at its last point.
const directLabels = {
  id: 'appDirectLabels',
  afterDatasetsDraw (chart, args, options) {
    const context = chart.ctx
    context.save()
    context.font = LABEL_FONT
    context.fillStyle = TEXT
    context.textBaseline = 'middle'
    context.textAlign = 'left'
    if (options.spec.kind === 'bar') {
      labelBars(chart, context, options)
    } else {
      labelLines(chart, context, options)
    }
    context.restore()
  }
}

function labelBars (chart, context, options) {
  const zero = chart.scales.x.getPixelForValue(0)
  chart.data.datasets.forEach((dataset, datasetIndex) => {
    const meta = chart.getDatasetMeta(datasetIndex)
    if (meta.hidden) return
    meta.data.forEach((bar, index) => {
      const value = dataset.data[index]
      const end = value === null ? zero : bar.x
      context.fillText(formatValue(value, options.spec.unit), end + 6, bar.y)
    })
  })
}

// Each line's name as lines of text, narrower on a narrower chart (none when the chart
// has a single unnamed line), and the width of the widest.
function lineNames (chart, spec) {
  const named = spec.series.filter((series) => series.label).length > 1
  if (!named) return { names: spec.series.map(() => []), widest: 0 }
  const maxWidth = Math.max(70, Math.min(180, chart.width * 0.26))
  const context = chart.ctx
  context.save()
  const width = measureWith(context, LABEL_FONT)
  const names = spec.series.map((series) => (series.label ? wrap(series.label, maxWidth, width) : []))
  const widest = Math.max(0, ...names.flat().map(width))
  context.restore()
  return { names, widest }
}

function labelLines (chart, context, options) {
  const area = chart.chartArea
  const { names } = lineNames(chart, options.spec)
  context.font = LABEL_FONT
  const blocks = []
  chart.data.datasets.forEach((dataset, datasetIndex) => {
    const meta = chart.getDatasetMeta(datasetIndex)
    const lines = names[datasetIndex]
    if (meta.hidden || !lines.length) return
    let last = dataset.data.length - 1
    while (last >= 0 && dataset.data[last] === null) last -= 1
    if (last < 0) return
    const point = meta.data[last]
    blocks.push({ x: point.x + 10, y: point.y, lines, height: lines.length * LINE_HEIGHT })
  })
  // Labels ending at the same height are moved apart, top to bottom, within the chart.
  blocks.sort((a, b) => a.y - b.y)
  let floor = area.top
  for (const block of blocks) {
    const top = Math.max(block.y - block.height / 2, floor)
    block.top = top
    floor = top + block.height + 2
  }
  const overflow = floor - 2 - area.bottom
  if (overflow > 0) blocks.forEach((block) => { block.top = Math.max(area.top, block.top - overflow) })
  for (const block of blocks) {
    block.lines.forEach((line, index) => {
      context.fillText(line, block.x, block.top + LINE_HEIGHT * (index + 0.5))
    })
  }
}

// Room for every bar, and for the key to their fills above them (one row per series on
// a phone, where the names do not fit side by side).
// A row's name beside its bars, wrapped to at most about a third of the chart's width.
function rowNameWidth (chartWidth) {
  return Math.max(80, Math.min(220, chartWidth * 0.3))
}

// Room for every bar and its row's name, and for the key to their fills above them (one
// row per series on a phone, where the names do not fit side by side).
function barChartHeight (spec, width, measure) {
  const rows = spec.labels.reduce((sum, label) => {
    const lines = wrap(String(label), rowNameWidth(width), measure).length
    return sum + Math.max(spec.series.length * 26 + 12, lines * LINE_HEIGHT + 12)
  }, 0)
  let legend = 0
  if (spec.series.length > 1) {
    const items = spec.series.map((series) => measure(series.label) + 60) // box and gaps
    const total = items.reduce((sum, item) => sum + item, 0)
    legend = (total > width ? spec.series.length : 1) * 28 + 12
  }
  return rows + 80 + legend
}

function lineDataset (series, index) {
  const colour = COLOURS[index % COLOURS.length]
  return {
    label: series.label,
    data: series.values,
    borderColor: colour,
    backgroundColor: colour,
    borderWidth: 3,
    borderDash: DASHES[index % DASHES.length],
    pointStyle: POINT_STYLES[index % POINT_STYLES.length],
    pointRadius: 4,
    pointHoverRadius: 6,
    spanGaps: false,
    clip: false // a point at 100% is drawn whole
  }
}

function barDataset (series, index) {
  const colour = COLOURS[index % COLOURS.length]
  return {
    label: series.label,
    data: series.values,
    backgroundColor: barFill(index, colour),
    borderColor: colour,
    borderWidth: 2,
    maxBarThickness: 28
  }
}

function valueScale (spec) {
  const scale = {
    beginAtZero: true,
    title: { display: true, text: UNIT_TITLES[spec.unit] ?? 'Number', color: TEXT },
    ticks: { color: TEXT, maxTicksLimit: 6, callback: (value) => (spec.unit === '%' ? `${value}%` : value) },
    grid: { color: GRID }
  }
  if (spec.unit === '%') {
    scale.min = 0
    scale.max = 100
  }
  if (spec.unit === '') scale.ticks.precision = 0
  return scale
}

function categoryScale (spec, measure) {
  const scale = {
    title: { display: true, text: spec.category, color: TEXT },
    ticks: { color: TEXT },
    grid: { display: spec.kind === 'line', color: GRID }
  }
  if (spec.kind === 'line') {
    scale.ticks.callback = function (value) { return shortMonth(this.getLabelForValue(value)) }
    scale.ticks.maxRotation = 0
    scale.ticks.autoSkipPadding = 12
  } else {
    // Long names (groups, areas) wrap rather than run off the chart's left edge.
    scale.ticks.autoSkip = false
    scale.ticks.callback = function (value) {
      return wrap(String(this.getLabelForValue(value)), rowNameWidth(this.chart.width), measure)
    }
  }
  return scale
}

function draw (figure) {
  const source = document.getElementById(figure.dataset.chart)
  const canvas = figure.querySelector('canvas')
  const holder = canvas && canvas.parentElement
  if (!source || !holder) throw new Error(`Chart ${figure.dataset.chart} is incomplete`)
  const spec = JSON.parse(source.textContent)
  const isLine = spec.kind === 'line'
  const named = spec.series.filter((series) => series.label).length > 1

  // Shown first: Chart.js measures its container.
  figure.hidden = false
  const width = holder.clientWidth
  const measure = measureWith(canvas.getContext('2d'), LABEL_FONT)
  const legendWidth = measureWith(canvas.getContext('2d'), LEGEND_FONT)
  // Chart.js wants a positioned container of a set height (set through the CSSOM). Until
  // it has redrawn for a narrower window, the canvas is kept within the page.
  holder.style.position = 'relative'
  canvas.style.maxWidth = '100%'
  let padding
  if (isLine) {
    // Room on the right for the lines' names, worked out again at every resize.
    padding = ({ chart }) => ({ top: 8, right: lineNames(chart, spec).widest + 16 })
    holder.style.height = `${Math.round(Math.max(260, Math.min(380, width * 0.55)))}px`
  } else {
    // Room on the right for the value written at the end of the longest bar.
    const texts = spec.series.flatMap((series) => series.values.map((value) => formatValue(value, spec.unit)))
    padding = { top: 8, right: Math.max(...texts.map(measure)) + 12 }
    holder.style.height = `${barChartHeight(spec, width, legendWidth)}px`
  }

  const valueAxis = isLine ? 'y' : 'x'
  const categoryAxis = isLine ? 'x' : 'y'
  return new Chart(canvas, {
    type: isLine ? 'line' : 'bar',
    data: {
      labels: spec.labels,
      datasets: spec.series.map(isLine ? lineDataset : barDataset)
    },
    options: {
      indexAxis: isLine ? 'x' : 'y',
      responsive: true,
      maintainAspectRatio: false,
      // The key above a set of bars takes more rows on a narrower screen.
      onResize: isLine
        ? undefined
        : (chart, size) => {
            const height = `${barChartHeight(spec, size.width, legendWidth)}px`
            if (holder.style.height !== height) holder.style.height = height
          },
      animation: reducedMotion.matches ? false : { duration: 400 },
      layout: { padding },
      scales: { [valueAxis]: valueScale(spec), [categoryAxis]: categoryScale(spec, legendWidth) },
      plugins: {
        // Lines carry their names at their ends; sets of bars need a key to their fills.
        legend: {
          display: !isLine && named,
          position: 'top',
          align: 'start',
          labels: { color: TEXT, font: { family: FONT, size: FONT_SIZE } }
        },
        tooltip: {
          callbacks: {
            label: (item) => {
              const value = isLine ? item.parsed.y : item.parsed.x
              const name = item.dataset.label ? `${item.dataset.label}: ` : ''
              return name + formatValue(value, spec.unit)
            }
          }
        },
        appDirectLabels: { spec }
      }
    },
    plugins: [directLabels]
  })
}

function initialise () {
  const figures = document.querySelectorAll('figure[data-chart]')
  if (!figures.length) return
  if (!Chart) {
    reportError(new Error('Chart.js is not loaded'))
    return
  }
  Chart.defaults.font.family = FONT
  Chart.defaults.font.size = FONT_SIZE
  Chart.defaults.color = TEXT
  for (const figure of figures) {
    try {
      draw(figure)
    } catch (error) {
      figure.hidden = true
      reportError(error)
    }
  }
}

initialise()
