/**
 * SNS notifier: publishes each event as JSON to a topic, with an `event_type` message attribute
 * so subscriptions can filter. Needs `aws` in its configuration (the host hands it credentials and
 * allows only the SNS endpoint). Settings: `topic_arn` (required), `subject` (optional).
 *
 * @module
 */
import type { NotifierPlugin, PluginContext, SentinelEvent } from "../api/v1.ts";
import { signRequest } from "../shared/aws_sigv4.ts";

const plugin: NotifierPlugin = {
  async notify(event: SentinelEvent, ctx: PluginContext) {
    const topicArn = ctx.settings.topic_arn;
    if (typeof topicArn !== "string") throw new Error("settings.topic_arn is required");
    if (!ctx.aws) throw new Error("the SNS notifier needs aws: in its configuration");
    const form = new URLSearchParams({
      Action: "Publish",
      Version: "2010-03-31",
      TopicArn: topicArn,
      Message: JSON.stringify(event),
      "MessageAttributes.entry.1.Name": "event_type",
      "MessageAttributes.entry.1.Value.DataType": "String",
      "MessageAttributes.entry.1.Value.StringValue": event.type,
    });
    if (typeof ctx.settings.subject === "string") form.set("Subject", ctx.settings.subject);
    const body = form.toString();
    const url = ctx.aws.endpoint.replace(/\/?$/, "/");
    const headers = await signRequest(
      {
        method: "POST",
        url,
        headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
        body,
      },
      { ...ctx.aws, service: "sns" },
      new Date(),
    );
    delete headers.host;
    const response = await fetch(url, { method: "POST", headers, body });
    const text = await response.text();
    if (!response.ok) {
      return { delivered: false, detail: `HTTP ${response.status}: ${text.slice(0, 200)}` };
    }
    const id = /<MessageId>([^<]+)<\/MessageId>/.exec(text)?.[1];
    return { delivered: true, detail: id ? `message ${id}` : "published" };
  },
};

export default plugin;
