/** Entry point: load the user's language, render the app and register the service worker. */
import { render } from 'preact'
import './styles.css'
import { html } from './html.js'
import { App } from './app.js'
import { registerServiceWorker } from './sw-register.js'
import { onLanguageChange, setLanguage, startLanguage } from './i18n/index.js'
import { loadSession } from './session.js'

const root = document.getElementById('app')
let updateReady = null
let ready = false

const registration = registerServiceWorker({
  onUpdateReady(apply) {
    updateReady = apply
    if (ready) draw()
  },
})

function draw() {
  ready = true
  render(html`<${App} registration=${registration} updateReady=${updateReady} />`, root)
}

// The first paint waits for the one catalogue it needs (a small chunk); switching re-renders.
onLanguageChange(draw)
setLanguage(startLanguage(loadSession()?.user)).catch(() => setLanguage('en'))
