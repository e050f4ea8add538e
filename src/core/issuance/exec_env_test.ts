import { assertEquals, assertTrue } from "../../../test/assert.ts";
import { execEnvironment, isSentinelSecret, serverExecEnvironment } from "./exec_env.ts";

const session = {
  accessKeyId: "ASIANEW",
  secretAccessKey: "new-secret",
  sessionToken: "new-token",
  expiration: Date.parse("2026-03-02T11:00:00Z"),
};

Deno.test("attack: the child gets the session and none of the parent's credentials, expiries or secrets", () => {
  const parent = {
    PATH: "/usr/bin",
    HOME: "/home/alice",
    AWS_ACCESS_KEY_ID: "AKIAOLD",
    AWS_SECRET_ACCESS_KEY: "old-secret",
    AWS_SESSION_TOKEN: "old-token",
    AWS_ACCESS_KEY: "AKIALEGACY",
    AWS_SECRET_KEY: "legacy-secret",
    AWS_SESSION_EXPIRATION: "2020-01-01T00:00:00Z",
    AWS_CREDENTIAL_EXPIRATION: "2020-01-01T00:00:00Z",
    AWS_BEARER_TOKEN_BEDROCK: "bedrock",
    AWS_PROFILE: "other",
    AWS_VAULT: "base",
    AWS_VAULT_FILE_PASSPHRASE: "passphrase",
    AWS_VAULT_OP_SERVICE_ACCOUNT_TOKEN: "op",
    AWS_VAULT_OP_CONNECT_TOKEN: "op-connect",
    AWS_VAULT_BACKEND: "file",
    AWS_CONFIG_FILE: "/home/alice/.aws/config",
    SENTINEL_WEBHOOK_SECRET: "hook",
    SENTINEL_API_TOKEN: "token",
    SENTINEL_DB_PASSWORD: "pw",
    SENTINEL_POLICY: "ssm:/sentinel/policy",
    SENTINEL_RESOLVING: "prod",
    PAGER_SIGNING_KEY: "pager",
  };
  const env = execEnvironment(parent, "prod", session, "eu-central-1", ["PAGER_SIGNING_KEY"]);
  assertEquals(env, {
    PATH: "/usr/bin",
    HOME: "/home/alice",
    AWS_VAULT_BACKEND: "file",
    AWS_CONFIG_FILE: "/home/alice/.aws/config",
    SENTINEL_POLICY: "ssm:/sentinel/policy",
    AWS_ACCESS_KEY_ID: "ASIANEW",
    AWS_SECRET_ACCESS_KEY: "new-secret",
    AWS_SESSION_TOKEN: "new-token",
    AWS_CREDENTIAL_EXPIRATION: "2026-03-02T11:00:00Z",
    AWS_REGION: "eu-central-1",
    AWS_DEFAULT_REGION: "eu-central-1",
    SENTINEL_EXEC_PROFILE: "prod",
  });
});

Deno.test("SENTINEL_* secrets are recognised by name; settings are not", () => {
  for (
    const name of [
      "SENTINEL_WEBHOOK_SECRET",
      "SENTINEL_API_TOKEN",
      "SENTINEL_SLACK_APIKEY",
      "SENTINEL_API_KEY",
      "SENTINEL_DB_PASSWORD",
      "SENTINEL_SIGNING_PRIVATE_KEY",
      "SENTINEL_AUTH_HEADER",
    ]
  ) assertTrue(isSentinelSecret(name), name);
  for (
    const name of [
      "SENTINEL_POLICY",
      "SENTINEL_LOG_FILE",
      "SENTINEL_CACHE_DIR",
      "SENTINEL_CONFIG",
      "SENTINEL_REGION",
      "SENTINEL_SOURCE",
      "SENTINEL_EXEC_PROFILE",
      "MY_SECRET",
    ]
  ) assertTrue(!isSentinelSecret(name), name);
});

Deno.test("attack: under exec --server the child gets the endpoint and its token, and no keys at all", () => {
  const parent = {
    PATH: "/usr/bin",
    AWS_ACCESS_KEY_ID: "AKIAOLD",
    AWS_SECRET_ACCESS_KEY: "old-secret",
    AWS_SESSION_TOKEN: "old-token",
    AWS_CREDENTIAL_EXPIRATION: "2020-01-01T00:00:00Z",
    AWS_PROFILE: "other",
    AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://169.254.170.23/v1/credentials",
    AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "/v2/credentials/abc",
    AWS_CONTAINER_AUTHORIZATION_TOKEN: "outer-token",
    AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: "/var/run/token",
    AWS_VAULT_FILE_PASSPHRASE: "passphrase",
    SENTINEL_WEBHOOK_SECRET: "hook",
    SENTINEL_POLICY: "ssm:/sentinel/policy",
    PAGER_SIGNING_KEY: "pager",
  };
  const env = serverExecEnvironment(
    parent,
    "prod",
    { url: "http://127.0.0.1:41234/sentinel/credentials", token: "t0ken" },
    "eu-central-1",
    ["PAGER_SIGNING_KEY"],
  );
  assertEquals(env, {
    PATH: "/usr/bin",
    SENTINEL_POLICY: "ssm:/sentinel/policy",
    AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://127.0.0.1:41234/sentinel/credentials",
    AWS_CONTAINER_AUTHORIZATION_TOKEN: "t0ken",
    AWS_REGION: "eu-central-1",
    AWS_DEFAULT_REGION: "eu-central-1",
    SENTINEL_EXEC_PROFILE: "prod",
  });
});
