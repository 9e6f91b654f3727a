import { describe, expect, it } from 'vitest'
import { receiptUrl, whatsappLink } from '../src/receipt.js'

describe('receipt links', () => {
  it('name the token and the language', () => {
    expect(receiptUrl('https://shop.example', 'a_b-C', 'sw')).toBe('https://shop.example/r/a_b-C?lang=sw')
  })
  it('open WhatsApp with the text, to the customer when their number is known', () => {
    expect(whatsappLink('0712 345 678', 'Risiti TT1: https://x/r/t')).toBe(
      'https://wa.me/254712345678?text=Risiti%20TT1%3A%20https%3A%2F%2Fx%2Fr%2Ft',
    )
    expect(whatsappLink('', 'hi')).toBe('https://wa.me/?text=hi')
  })
})
