/**
 * The code every plugin Worker starts with: it imports the plugin module (itself a `data:` URL,
 * so no file or network access is needed to load it), answers calls one at a time, and turns a
 * thrown error or a missing handler into an error reply. No npm imports.
 *
 * @module
 */
import { PLUGIN_API_VERSION } from "../../../plugins/api/v1.ts";

/** `data:` URL of a module's source; TypeScript is transpiled by Deno on import. */
export function moduleDataUrl(source: string, typescript: boolean): string {
  const type = typescript ? "application/typescript" : "text/javascript";
  return `data:${type};base64,${base64(source)}`;
}

/** Base64 of a text's UTF-8 bytes. */
export function base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/**
 * The Worker's main module for a plugin given as a `data:` URL. It is JavaScript text (the Worker
 * cannot import the host's modules), speaking the messages of plugins/api/v1.ts.
 */
export function bootstrapSource(pluginUrl: string): string {
  const protocol = PLUGIN_API_VERSION;
  return `
const plugin = (await import(${JSON.stringify(pluginUrl)})).default;
self.postMessage({ protocol: ${protocol}, ready: true });
self.onmessage = async (event) => {
  const message = event.data;
  if (!message || message.protocol !== ${protocol} || typeof message.id !== "number") return;
  try {
    const handler = plugin && plugin[message.method];
    if (typeof handler !== "function") {
      throw new Error("the plugin has no " + String(message.method) + " handler");
    }
    const result = await handler.call(plugin, message.payload, message.context);
    self.postMessage({ protocol: ${protocol}, id: message.id, ok: true, result: JSON.parse(JSON.stringify(result ?? null)) });
  } catch (error) {
    self.postMessage({ protocol: ${protocol}, id: message.id, ok: false, error: String(error && error.message || error).slice(0, 500) });
  }
};
`;
}
