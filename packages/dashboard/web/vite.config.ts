import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

// Built into web/dist; the backend serves it. Asset names carry content hashes, so they can be cached for a year.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: true,
    // No inline scripts or styles: the Content-Security-Policy allows only files from this origin.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
});
