/** Entry point: render the app and register the service worker. */
import { render } from 'preact'
import './styles.css'
import { html } from './html.js'
import { App } from './app.js'
import { registerServiceWorker } from './sw-register.js'

const root = document.getElementById('app')
let updateReady = null

const registration = registerServiceWorker({
  onUpdateReady(apply) {
    updateReady = apply
    draw()
  },
})

function draw() {
  render(html`<${App} registration=${registration} updateReady=${updateReady} />`, root)
}

draw()
