import { defineConfig } from 'vite'
import { VitePWA } from 'vite-plugin-pwa'

// The gateway serves dist/ at "/": hashed files under /assets/ (cached for a year), and
// index.html, sw.js, manifest.webmanifest and the icons at the root (never cached).
export default defineConfig({
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    // Chrome on cheap Android phones may lag behind; es2020 keeps optional chaining etc.
    target: 'es2020',
    sourcemap: false,
  },
  plugins: [
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.js',
      injectRegister: false, // src/sw-register.js registers it
      manifest: false, // public/manifest.webmanifest is the manifest
      injectManifest: {
        globPatterns: ['index.html', 'assets/**/*.{js,css}', '*.{png,webmanifest}'],
        rollupFormat: 'iife', // a classic worker, registered without { type: 'module' }
      },
      devOptions: { enabled: false },
    }),
  ],
  server: {
    // `npm run dev` talks to a gateway running on this machine (TOMTIN_GATEWAY to change it).
    proxy: { '/api': process.env.TOMTIN_GATEWAY ?? 'http://127.0.0.1:8080' },
  },
  test: {
    include: ['tests/**/*.test.js'],
    environment: 'node',
  },
})
