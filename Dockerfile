# syntax=docker/dockerfile:1

# Build stage: full install (with the Prisma CLI) to generate the clients.
FROM node:20.20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY prisma ./prisma
RUN npm ci --no-audit --no-fund
COPY . .
# Keep only what the running process needs.
RUN npm prune --omit=dev --no-audit --no-fund

# Runtime stage: production dependencies only, as an unprivileged user.
FROM node:20.20-bookworm-slim AS runtime
ENV NODE_ENV=production PORT=3000
WORKDIR /app
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/package.json ./package.json
COPY --from=build --chown=node:node /app/bin ./bin
COPY --from=build --chown=node:node /app/src ./src
COPY --from=build --chown=node:node /app/prisma ./prisma
COPY --from=build --chown=node:node /app/locales ./locales
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
# The same entry point as `npm start`: HTTP server and queue workers in one
# process. Run `wakala serve` and `wakala worker` as separate containers to
# scale them apart.
CMD ["node", "--import", "tsx", "src/app/main.ts"]
