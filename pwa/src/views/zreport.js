import { useState } from 'preact/hooks'
import { html } from '../html.js'
import { useResource } from '../hooks.js'
import { formatMoney } from '../format.js'
import { t } from '../i18n/index.js'
import { closeNotes, differenceWords, pictureLines, shiftTimes, unsigned } from '../zreport-lines.js'
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
      await sharePicture(shift, businessLabel(shift))
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
          <h2 class="card-title">${businessLabel(shift)} · ${shift.opened_by_name}</h2>
          ${shiftTimes(shift).map(([label, value], i) => html`<p class="zreport-line" key=${i}><span>${label}</span> <strong>${value}</strong></p>`)}
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

function businessLabel(shift) {
  return t(`business.${shift.business}`) || shift.business
}

/** What the count says, and anything that changed after the close. */
function closedLines(shift) {
  if (shift.counted == null) return null
  return html`
    <p class="zreport-line"><span>${t('zreport.counted')}</span> <strong>${formatMoney(shift.counted)}</strong></p>
    <p class=${`zreport-line difference ${Number(shift.difference) < 0 ? 'short' : ''}`}>
      <span>${differenceWords(shift.difference)}</span> <strong>${formatMoney(unsigned(shift.difference))}</strong>
    </p>
    ${closeNotes(shift).map(([kind, note]) => html`<p class="banner warn" role="status" data-testid=${kind}>${note}</p>`)}
    ${shift.note && html`<p class="zreport-line"><span>${t('till.note')}</span> <strong>${shift.note}</strong></p>`}
  `
}

/** Draw the report on a canvas as a receipt; share it as a PNG, or download it where sharing is missing. */
async function sharePicture(shift, businessName) {
  const lineHeight = 30
  const font = '18px sans-serif'
  const measure = document.createElement('canvas').getContext('2d')
  measure.font = font
  // A sentence (no value) wraps to the paper's width rather than being squeezed unreadable.
  const rows = pictureLines(shift, businessName).flatMap(([label, value]) =>
    value ? [[label, value]] : wrap(measure, label, PAPER_PX - 16).map((part) => [part, '']),
  )
  const canvas = document.createElement('canvas')
  canvas.width = PAPER_PX
  canvas.height = lineHeight * (rows.length + 1)
  const pen = canvas.getContext('2d')
  pen.fillStyle = '#fff'
  pen.fillRect(0, 0, canvas.width, canvas.height)
  pen.fillStyle = '#000'
  pen.font = font
  rows.forEach(([label, value], i) => {
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

/** Words of `text` in lines no wider than `width` on the pen's font. */
function wrap(pen, text, width) {
  const lines = []
  let line = ''
  for (const word of text.split(' ')) {
    const longer = line ? `${line} ${word}` : word
    if (line && pen.measureText(longer).width > width) {
      lines.push(line)
      line = word
    } else line = longer
  }
  return line ? [...lines, line] : lines
}
