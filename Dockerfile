# The bridge image: one image, two roles (`bridge api`, `bridge worker`), chosen by the command.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY . .
# The workflows bundled once here, so `bridge worker` loads them instead of bundling at every start.
RUN npm run bundle
USER node
# The API (bridge api) and the worker's metrics (bridge worker).
EXPOSE 8000 9464
ENTRYPOINT ["node", "bin/attendance-bridge.js"]
CMD ["api"]
