import { assertEquals, assertThrows } from "../../../test/assert.ts";
import { SentinelError } from "../errors.ts";
import {
  consoleDestination,
  consoleSigninUrl,
  federationEndpoint,
  signinTokenRequest,
} from "./console_signin.ts";

const session = {
  accessKeyId: "ASIAEXAMPLE",
  secretAccessKey: "se/cr+et&=",
  sessionToken: "to ken",
  expiration: 0,
};

Deno.test("the getSigninToken request carries the session as JSON, encoded", () => {
  const url = signinTokenRequest(federationEndpoint(undefined), session);
  assertEquals(url.origin + url.pathname, "https://signin.aws.amazon.com/federation");
  assertEquals(url.searchParams.get("Action"), "getSigninToken");
  assertEquals(JSON.parse(url.searchParams.get("Session")!), {
    sessionId: "ASIAEXAMPLE",
    sessionKey: "se/cr+et&=",
    sessionToken: "to ken",
  });
  assertEquals([...url.searchParams.keys()], ["Action", "Session"]);
});

Deno.test("the login URL: Action=login, issuer, destination and token, encoded", () => {
  const endpoint = federationEndpoint("https://signin.amazonaws-us-gov.com/federation");
  const url = new URL(
    consoleSigninUrl(endpoint, "tok+en/=", "https://console.amazonaws-us-gov.com/s3/?a=b&c=d"),
  );
  assertEquals(url.origin + url.pathname, "https://signin.amazonaws-us-gov.com/federation");
  assertEquals(Object.fromEntries(url.searchParams), {
    Action: "login",
    Issuer: "sentinel",
    Destination: "https://console.amazonaws-us-gov.com/s3/?a=b&c=d",
    SigninToken: "tok+en/=",
  });
});

Deno.test("the endpoint must be https, except on loopback, and carry no query", () => {
  assertEquals(federationEndpoint("http://127.0.0.1:8080/federation").host, "127.0.0.1:8080");
  assertEquals(federationEndpoint("http://localhost:9/f").hostname, "localhost");
  for (const bad of ["http://signin.example.com/federation", "ftp://x/", "not a url"]) {
    assertThrows(() => federationEndpoint(bad), SentinelError, "SENTINEL_FEDERATION_URL");
  }
  assertThrows(
    () => federationEndpoint("https://signin.aws.amazon.com/federation?x=1"),
    SentinelError,
    "query",
  );
});

Deno.test("the destination: the console home in the region, or an https URL given", () => {
  assertEquals(
    consoleDestination(undefined, "eu-central-1"),
    "https://console.aws.amazon.com/console/home?region=eu-central-1",
  );
  assertEquals(
    consoleDestination("https://console.aws.amazon.com/s3/", "x"),
    "https://console.aws.amazon.com/s3/",
  );
  assertThrows(() => consoleDestination("javascript:alert(1)", "x"), SentinelError, "https");
  assertThrows(
    () => consoleDestination("http://console.aws.amazon.com/", "x"),
    SentinelError,
    "https",
  );
});
