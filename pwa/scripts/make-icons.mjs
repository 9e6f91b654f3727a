// Draw tomtin's app icons (a white water drop on teal) as real PNG files, using only Node
// built-ins. Run with `npm run icons`; the output in public/ is committed.
import { deflateSync } from 'node:zlib'
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const OUT = fileURLToPath(new URL('../public/', import.meta.url))
const TEAL = [15, 118, 110, 255]
const WHITE = [255, 255, 255, 255]
const CLEAR = [0, 0, 0, 0]
const SAMPLES = 4 // per axis, for smooth edges

/** Is (x, y) in the unit square inside a drop of the given scale, centred? */
function inDrop(x, y, scale) {
  const u = 0.5 + (x - 0.5) / scale
  const v = 0.5 + (y - 0.5) / scale
  const cx = 0.5
  const cy = 0.6
  const r = 0.22
  const tip = 0.16
  if ((u - cx) ** 2 + (v - cy) ** 2 <= r * r) return true
  // A triangle from the tip to the two points where its sides touch the circle.
  const d = cy - tip
  const touchY = cy - (r * r) / d
  const touchHalfWidth = (r * Math.sqrt(d * d - r * r)) / d
  if (v < tip || v > touchY) return false
  return Math.abs(u - cx) <= ((v - tip) * touchHalfWidth) / (touchY - tip)
}

/** Rounded-square background (radius as a fraction of the size); full bleed when radius is 0. */
function inBackground(x, y, radius) {
  if (radius === 0) return true
  const dx = Math.max(radius - x, 0, x - (1 - radius))
  const dy = Math.max(radius - y, 0, y - (1 - radius))
  return dx * dx + dy * dy <= radius * radius
}

function draw(size, { radius, scale }) {
  const rgba = Buffer.alloc(size * size * 4)
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const sum = [0, 0, 0, 0]
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const x = (px + (sx + 0.5) / SAMPLES) / size
          const y = (py + (sy + 0.5) / SAMPLES) / size
          const colour = !inBackground(x, y, radius) ? CLEAR : inDrop(x, y, scale) ? WHITE : TEAL
          for (let c = 0; c < 4; c++) sum[c] += colour[c] * (c < 3 ? colour[3] : 1)
        }
      }
      const n = SAMPLES * SAMPLES
      const alpha = sum[3] / n
      const i = (py * size + px) * 4
      for (let c = 0; c < 3; c++) rgba[i + c] = alpha ? Math.round(sum[c] / n / alpha) : 0
      rgba[i + 3] = Math.round(alpha)
    }
  }
  return png(size, size, rgba)
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})

function crc32(buffer) {
  let c = 0xffffffff
  for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

function chunk(type, data) {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([length, body, crc])
}

function png(width, height, rgba) {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header[8] = 8 // bit depth
  header[9] = 6 // RGBA
  const rows = Buffer.alloc((width * 4 + 1) * height)
  for (let y = 0; y < height; y++) rgba.copy(rows, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4)
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

const icons = {
  'icon-192.png': [192, { radius: 0.2, scale: 1 }],
  'icon-512.png': [512, { radius: 0.2, scale: 1 }],
  // Maskable: full bleed, drop inside the central 80 % safe zone.
  'icon-maskable-512.png': [512, { radius: 0, scale: 0.75 }],
  'apple-touch-icon.png': [180, { radius: 0, scale: 0.9 }],
}
for (const [name, [size, style]] of Object.entries(icons)) {
  writeFileSync(OUT + name, draw(size, style))
  console.log(`wrote public/${name} (${size}×${size})`)
}
