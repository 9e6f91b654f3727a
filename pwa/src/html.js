/** Tagged-template markup for Preact (htm): no JSX, so no compile step for views. */
import { h } from 'preact'
import htm from 'htm'

export const html = htm.bind(h)
