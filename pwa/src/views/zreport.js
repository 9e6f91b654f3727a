import { useState } from 'preact/hooks'
import { html } from '../html.js'
import { useResource } from '../hooks.js'
import { formatMoney, formatMoment } from '../format.js'
import { t } from '../i18n/index.js'
import { DataFoot } from '../components/data-foot.js'
import { Icon } from '../components/icon.js'
import { ShiftFigures } from './till.js'

// A 58 mm thermal printer prints 384 dots a line: the picture is drawn at that width.
const PAPER_PX = 384

/** A shift's Z report: its money, the count and the difference, shared as a picture or printed. */
export function ZReport({ runtime, param }) {
  const report = useResource(runtime.poller, 'payments', param ? `/payments/shifts/${param}` : null)
  const [problem, setProblem] = useState(null)
  const shift = report.data

  async function share() {
    setProblem(null)
    try {
      await sharePicture(shift)
    } catch (e) {
      if (e?.name !== 'AbortError') setProblem(t('zreport.share_failed'))
    }
  }

  return html`
    <main class="screen zreport">
      <h1>${t('zreport.title')}</h1>
      <${DataFoot} resources=${[report]} />
      ${
        shift &&
        html`<section class="card zreport-paper">
          <h2 class="card-title">${t(`business.${shift.business}`) || shift.business} · ${shift.opened_by_name}</h2>
          ${reportLines(shift).map(([label, value], i) => html`<p class="zreport-line" key=${i}><span>${label}</span> <strong>${value}</strong></p>`)}
          <${ShiftFigures} shift=${shift} />
          ${closedLines(shift)}
        </section>
        ${problem && html`<p class="problem" role="alert">${problem}</p>`}
        <div class="row no-print">
          <button class="button primary" type="button" onClick=${share}><${Icon} name="upload" /> ${t('zreport.share')}</button>
          <button class="button secondary" type="button" onClick=${() => globalThis.print()}><${Icon} name="receipt" /> ${t('zreport.print')}</button>
        </div>`
      }
    </main>
  `
}

function reportLines(shift) {
  return [
    [t('zreport.opened'), formatMoment(shift.opened_at)],
    [t('zreport.closed'), shift.closed_at ? formatMoment(shift.closed_at) : t('zreport.still_open')],
  ]
}

/** What the count says, and anything that changed after the close. */
function closedLines(shift) {
  if (shift.counted == null) return null
  return html`
    <p class="zreport-line"><span>${t('zreport.counted')}</span> <strong>${formatMoney(shift.counted)}</strong></p>
    <p class=${`zreport-line difference ${Number(shift.difference) < 0 ? 'short' : ''}`}>
      <span>${differenceWords(shift.difference)}</span> <strong>${formatMoney(abs(shift.difference))}</strong>
    </p>
    ${shift.pending_at_close > 0 && html`<p class="banner warn">${t('zreport.pending_at_close', { count: shift.pending_at_close })}</p>`}
    ${
      (Number(shift.correction) !== 0 || shift.late_sales_count > 0) &&
      html`<p class="banner warn" role="status">${t('zreport.corrected', {
        count: shift.late_sales_count,
        before: formatMoney(shift.expected_at_close),
        now: formatMoney(shift.expected),
      })}</p>`
    }
    ${shift.note && html`<p class="zreport-line"><span>${t('till.note')}</span> <strong>${shift.note}</strong></p>`}
  `
}

function differenceWords(difference) {
  const value = Number(difference)
  if (value < 0) return t('zreport.short')
  if (value > 0) return t('zreport.over')
  return t('zreport.exact')
}

function abs(amount) {
  return String(amount ?? '').replace(/^-/, '')
}

/** The Z report as text lines (label, value) for the picture. */
function pictureLines(shift) {
  const lines = [
    [t('zreport.title'), ''],
    [`${t(`business.${shift.business}`) || shift.business} · ${shift.opened_by_name}`, ''],
    ...reportLines(shift),
    [t('till.float'), formatMoney(shift.float)],
    [t('till.cash_sales', { count: shift.cash_sales_count }), formatMoney(shift.cash_sales)],
    [t('till.cash_refunds'), formatMoney(shift.cash_refunds)],
    [t('till.payouts', { count: shift.payouts_count }), formatMoney(shift.payouts)],
    [t('till.expected'), formatMoney(shift.expected)],
    [t('till.mpesa_sales', { count: shift.mpesa_sales_count }), formatMoney(shift.mpesa_sales)],
  ]
  if (shift.counted != null) {
    lines.push([t('zreport.counted'), formatMoney(shift.counted)])
    lines.push([differenceWords(shift.difference), formatMoney(abs(shift.difference))])
  }
  return lines
}

/** Draw the report on a canvas as a receipt; share it as a PNG, or download it where sharing is missing. */
async function sharePicture(shift) {
  const lines = pictureLines(shift)
  const canvas = document.createElement('canvas')
  const lineHeight = 30
  canvas.width = PAPER_PX
  canvas.height = lineHeight * (lines.length + 1)
  const pen = canvas.getContext('2d')
  pen.fillStyle = '#fff'
  pen.fillRect(0, 0, canvas.width, canvas.height)
  pen.fillStyle = '#000'
  pen.font = '18px sans-serif'
  lines.forEach(([label, value], i) => {
    const y = lineHeight * (i + 1)
    pen.textAlign = 'left'
    pen.fillText(label, 8, y, value ? 220 : PAPER_PX - 16)
    pen.textAlign = 'right'
    pen.fillText(value, PAPER_PX - 8, y, 150)
  })
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'))
  const file = new File([blob], `z-report-${shift.id}.png`, { type: 'image/png' })
  if (navigator.canShare?.({ files: [file] })) {
    await navigator.share({ files: [file], title: t('zreport.title') })
    return
  }
  const link = document.createElement('a')
  link.href = URL.createObjectURL(blob)
  link.download = file.name
  link.click()
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000)
}
