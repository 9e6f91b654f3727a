# The gateway: Nginx (the official image) + the rendered config + the built PWA.
FROM node:20-bookworm-slim AS pwa
WORKDIR /pwa
COPY pwa/package.json pwa/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY pwa/ ./
RUN npm run build

FROM nginx:1.27-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends python3 && rm -rf /var/lib/apt/lists/*
COPY gateway/ /etc/tomtin/gateway/
COPY --from=pwa /pwa/dist /srv/pwa
# Plain HTTP on 80 unless GATEWAY_TLS_CERT/GATEWAY_TLS_KEY are set (then 443 + redirect + HSTS).
# It holds no signing key: accounts verifies tokens for it (gateway/README.md, "Who is asking").
ENV PWA_ROOT=/srv/pwa GATEWAY_BIND=0.0.0.0 GATEWAY_PORT=80 UPSTREAM_HOST=set-per-service \
    GATEWAY_ACCESS_LOG="/dev/stdout json" GATEWAY_WORKERS=2
CMD ["sh", "-c", "python3 /etc/tomtin/gateway/render.py /var/cache/tomtin >/dev/null && exec nginx -p /var/cache/tomtin -c nginx.conf"]
