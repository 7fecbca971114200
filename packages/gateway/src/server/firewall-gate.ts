// A route's firewall: the shared settings (IP rules, protocol limits, scoring) with the route's
// own mode, methods and body limit, compiled once per configuration for src/waf/firewall.ts.
import type { IncomingMessage } from 'node:http';
import type { GatewayConfig, RouteConfig, WafMode } from '../config/types.js';
import {
  bodyBufferLimit,
  bodyTooLarge,
  compileFirewallConfig,
  inspectBody,
  inspectRequest,
  multipartTooLarge,
  shouldInspectBody,
  type EarlierFindings,
  type FirewallConfig,
  type FirewallVerdict,
  type RefusalVerdict,
} from '../waf/firewall.js';
import { bodyFormat } from '../waf/body-format.js';
import type { RequestTarget } from '../waf/request-target.js';

export class RouteFirewall {
  readonly mode: WafMode;
  readonly #config: FirewallConfig;

  constructor(route: RouteConfig, config: GatewayConfig) {
    const settings = config.firewall;
    this.mode = route.wafMode;
    this.#config = compileFirewallConfig(
      {
        mode: route.wafMode,
        anomalyThreshold: settings.anomalyThreshold,
        ipRules: { allow: [...config.ipRules.allow], deny: [...config.ipRules.deny] },
        protocol: {
          allowedMethods: route.methods === undefined ? settings.allowedMethods : [...route.methods],
          maxUrlLength: settings.maxUrlLength,
          maxHeaderCount: settings.maxHeaderCount,
          maxHeaderBytes: settings.maxHeaderBytes,
          maxArgs: settings.maxArgs,
          maxArgLength: settings.maxArgLength,
          maxBodyBytes: route.maxBodyBytes,
        },
        bodyInspectionLimitBytes: settings.bodyInspectionLimitBytes,
        multipartBufferBytes: settings.multipartBufferBytes,
        multipartNonFileLimitBytes: settings.multipartNonFileLimitBytes,
        compressedBodies: route.wafCompressedBodies,
        jsonMaxDepth: settings.jsonMaxDepth,
        maxBodyTargets: settings.maxBodyTargets,
        maxMultipartParts: settings.maxMultipartParts,
      },
      `routes[${route.index}]`,
    );
  }

  /** How much of this body to buffer for inspection: maxBodyBytes for multipart, the inspection limit for forms and JSON. */
  bodyBufferLimit(contentType: string | undefined, contentEncoding: string | undefined): number {
    return bodyBufferLimit(contentType, this.#config, contentEncoding);
  }

  /** Whether this body is multipart, buffered whole (up to bodyBufferLimit) rather than streamed on past it. */
  buffersWhole(contentType: string | undefined, contentEncoding: string | undefined): boolean {
    const format = bodyFormat(contentType, contentEncoding);
    return format.ok && format.kind === 'multipart';
  }

  /** A body found past maxBodyBytes while it was buffered (413, 920400). */
  bodyTooLarge(): RefusalVerdict {
    return bodyTooLarge(this.#config);
  }

  /** A chunked multipart body longer than the multipart buffer, below maxBodyBytes (413, 920402; reported in detect mode). */
  multipartTooLarge(earlier: EarlierFindings): RefusalVerdict {
    return multipartTooLarge(this.#config, earlier);
  }

  /** IP rules, protocol checks and URL signatures, before anything is read or forwarded. */
  inspectHead(req: IncomingMessage, target: RequestTarget, clientAddress: string, hasBody: boolean, contentLength: number): FirewallVerdict {
    return inspectRequest(
      {
        method: req.method ?? 'GET',
        rawUrl: req.url ?? '/',
        target,
        headers: req.rawHeaders,
        httpVersion: req.httpVersion,
        hasBody,
        clientAddress,
        ...(contentLength >= 0 ? { contentLength } : {}),
      },
      this.#config,
    );
  }

  /** Whether to buffer this body for inspection (form, multipart or JSON, within bodyBufferLimit). */
  wantsBody(contentType: string | undefined, contentLength: number, contentEncoding: string | undefined): boolean {
    return shouldInspectBody(contentType, contentLength >= 0 ? contentLength : undefined, this.#config, contentEncoding);
  }

  inspectBody(contentType: string | undefined, body: Buffer, earlier: EarlierFindings, contentEncoding: string | undefined): FirewallVerdict {
    return inspectBody(contentType, body, this.#config, earlier, contentEncoding);
  }
}
