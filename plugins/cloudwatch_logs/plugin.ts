/**
 * CloudWatch Logs sink: sends decision records to a log group and stream (creating the stream
 * when it does not exist). Needs `aws` in its configuration. Settings: `log_group` (required,
 * must exist), `log_stream` (default `sentinel`).
 *
 * @module
 */
import type { LogSinkPlugin, PluginContext } from "../api/v1.ts";
import { signRequest } from "../shared/aws_sigv4.ts";

async function call(ctx: PluginContext, target: string, payload: unknown) {
  const aws = ctx.aws!;
  const url = aws.endpoint.replace(/\/?$/, "/");
  const body = JSON.stringify(payload);
  const headers = await signRequest(
    {
      method: "POST",
      url,
      headers: {
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": `Logs_20140328.${target}`,
      },
      body,
    },
    { ...aws, service: "logs" },
    new Date(),
  );
  delete headers.host;
  const response = await fetch(url, { method: "POST", headers, body });
  return { status: response.status, text: await response.text() };
}

const plugin: LogSinkPlugin = {
  async write(records: Record<string, unknown>[], ctx: PluginContext) {
    if (!ctx.aws) throw new Error("the CloudWatch Logs sink needs aws: in its configuration");
    const logGroupName = ctx.settings.log_group;
    if (typeof logGroupName !== "string") throw new Error("settings.log_group is required");
    const logStreamName = typeof ctx.settings.log_stream === "string"
      ? ctx.settings.log_stream
      : "sentinel";
    const created = await call(ctx, "CreateLogStream", { logGroupName, logStreamName });
    if (created.status !== 200 && !created.text.includes("ResourceAlreadyExistsException")) {
      throw new Error(`CreateLogStream: HTTP ${created.status}: ${created.text.slice(0, 200)}`);
    }
    const now = Date.now();
    const logEvents = records.map((record) => ({
      timestamp: typeof record.time === "string" ? Date.parse(record.time) || now : now,
      message: JSON.stringify(record),
    })).sort((a, b) => a.timestamp - b.timestamp);
    const put = await call(ctx, "PutLogEvents", { logGroupName, logStreamName, logEvents });
    if (put.status !== 200) {
      throw new Error(`PutLogEvents: HTTP ${put.status}: ${put.text.slice(0, 200)}`);
    }
    return { written: records.length };
  },
};

export default plugin;
