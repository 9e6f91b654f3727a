// Measure what a phone downloads on first load: every JS and CSS file that index.html pulls
// in, gzipped at level 9, against the 100 KB budget. The service worker is listed apart (it is
// fetched after the page has loaded). Exits 1 when over budget.
import { readFileSync, readdirSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { fileURLToPath } from 'node:url'

const DIST = fileURLToPath(new URL('../dist/', import.meta.url))
const BUDGET = 100 * 1024

const gz = (file) => gzipSync(readFileSync(DIST + file), { level: 9 }).length
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`

const assets = readdirSync(DIST + 'assets').filter((name) => /\.(js|css)$/.test(name))
let total = 0
for (const name of assets) {
  const size = gz(`assets/${name}`)
  total += size
  console.log(`  assets/${name.padEnd(28)} ${kb(size).padStart(9)} gz`)
}
console.log(`  sw.js (after load)${' '.repeat(17)}${kb(gz('sw.js')).padStart(9)} gz`)
console.log(`first load JS+CSS: ${kb(total)} gzipped (budget ${kb(BUDGET)})`)
if (total > BUDGET) {
  console.error('over budget')
  process.exit(1)
}
