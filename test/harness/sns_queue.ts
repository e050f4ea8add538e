/**
 * An SNS topic named `sentinel` subscribed by an SQS queue on moto, and a reader of what reached
 * the queue (each message's `type` and `event_type` attribute), through the real AWS CLI.
 *
 * @module
 */
import { assertEquals } from "../assert.ts";
import { aws } from "./aws_home.ts";
import type { MotoServer } from "./moto.ts";

/** Creates the topic and its queue; returns the topic's ARN and a reader of the queue. */
export async function snsQueue(moto: MotoServer, env: Record<string, string>) {
  const topic =
    JSON.parse((await aws(["sns", "create-topic", "--name", "sentinel"], env)).stdout).TopicArn;
  // The AWS CLI v1 sends SQS calls in us-east-1 to its legacy host unless told the endpoint.
  const sqs = (args: string[]) => aws(["sqs", ...args, "--endpoint-url", moto.endpoint], env);
  const queueUrl = JSON.parse((await sqs(["create-queue", "--queue-name", "q"])).stdout).QueueUrl;
  const subscribed = await aws([
    "sns",
    "subscribe",
    "--topic-arn",
    topic,
    "--protocol",
    "sqs",
    "--notification-endpoint",
    "arn:aws:sqs:us-east-1:123456789012:q",
  ], env);
  assertEquals(subscribed.code, 0, subscribed.stderr);
  const received = async (): Promise<{ type: string; attribute: string }[]> => {
    const out = await sqs([
      "receive-message",
      "--queue-url",
      queueUrl,
      "--max-number-of-messages",
      "10",
    ]);
    const messages = out.stdout.trim() === "" ? [] : JSON.parse(out.stdout).Messages ?? [];
    return messages.map((m: { Body: string }) => {
      const envelope = JSON.parse(m.Body);
      return {
        type: JSON.parse(envelope.Message).type,
        attribute: envelope.MessageAttributes.event_type.Value,
      };
    });
  };
  return { topic, received };
}
