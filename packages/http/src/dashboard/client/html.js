// htm turns tagged templates into Preact elements; like JSX, every interpolated value becomes text
// or an attribute value, never markup.
import { h } from 'preact'
import htm from 'htm'

export const html = htm.bind(h)
